package io.hwledger.examples;

import io.hwledger.api.Deployment;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Workload;
import io.hwledger.math.CapacitySolver;
import io.hwledger.math.GpuCatalog;
import io.hwledger.math.ModelCatalog;
import io.hwledger.math.Planner;

/**
 * What an inference scheduler does with the planner: build a {@link Planner} once per model, then
 * ask per request whether a workload fits and how much room is left.
 *
 * <p>Run: {@code ./mvnw -q install -DskipTests && ./mvnw -q -pl examples exec:java
 * -Dexec.mainClass=io.hwledger.examples.FitCheck}
 */
public final class FitCheck {
  private FitCheck() {}

  /** Plans Llama 3.1 8B on one H100 and prints the verdict and the capacity left. */
  public static void main(String[] args) {
    ModelSpec model = ModelCatalog.builtIn().spec("llama-3.1-8b");
    Planner planner = Planner.of(model); // compile once, reuse per request
    Deployment h100 = Deployment.singleGpu().onGpu(GpuCatalog.builtIn().get("h100-sxm-80gb"));
    Workload request = Workload.of(32_768, 8);

    MemoryPlan plan = planner.plan(model.defaultPrecision(), request, h100);
    System.out.printf(
        "%s: %d sequences of %d tokens need %.2f GiB; fits=%s, headroom %.2f GiB%n",
        model.name(),
        request.sequences(),
        request.contextTokens(),
        plan.perGpu().totalBytes() / (double) (1L << 30),
        plan.fit().orElseThrow().fits(),
        plan.fit().orElseThrow().headroomBytes() / (double) (1L << 30));

    long most =
        CapacitySolver.maxSequences(planner, model.defaultPrecision(), request, h100, 100_000)
            .orElse(0);
    System.out.printf("at most %d such sequences fit%n", most);
  }
}
