package io.hwledger.examples;

import io.hwledger.api.DType;
import io.hwledger.api.Deployment;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.math.CapacitySolver;
import io.hwledger.math.GpuCatalog;
import io.hwledger.math.ModelCatalog;
import io.hwledger.math.Planner;

/**
 * The README's "Embedding the planner": the lines between the README markers are the README's
 * snippet, character for character ({@code ReadmeSnippetsTest} compares them and runs this).
 */
public final class ReadmeExample {
  private ReadmeExample() {}

  /** Plans DeepSeek-V3 on eight H200s with an fp8 KV cache and prints the verdict. */
  public static void main(String[] args) {
    // README begin: the README prints these lines as they are (spotless:off)
    ModelSpec model = ModelCatalog.builtIn().spec("deepseek-v3");      // or HfConfigReader.read(path)
    Planner planner = Planner.of(model);                               // compile once per model
    Deployment gpus = Deployment.singleGpu().withTensorParallel(8)
        .onGpu(GpuCatalog.builtIn().get("h200-sxm-141gb"));
    Precision precision = model.defaultPrecision().withKvCache(DType.FP8_E4M3);

    MemoryPlan plan = planner.plan(precision, Workload.of(32_768, 16), gpus);  // ~0.2 µs
    boolean fits = plan.fit().orElseThrow().fits();
    long headroom = plan.fit().orElseThrow().headroomBytes();          // bytes left on the fullest GPU
    long longest = CapacitySolver.maxContextTokens(planner, precision, Workload.of(1, 16), gpus,
        model.contextLimit().orElse(1 << 20)).orElse(0);
    // README end (spotless:on)

    System.out.printf(
        "fits=%s headroom=%.2f GiB longest context for 16 sequences=%d tokens%n",
        fits, headroom / (double) (1L << 30), longest);
  }
}
