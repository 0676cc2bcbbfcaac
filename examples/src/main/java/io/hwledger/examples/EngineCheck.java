package io.hwledger.examples;

import io.hwledger.api.Deployment;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.math.GpuCatalog;
import io.hwledger.math.Planner;
import io.hwledger.math.engine.llamacpp.LlamaCppEngine;
import io.hwledger.math.engine.vllm.VllmEngine;
import io.hwledger.math.gguf.GgufFile;
import io.hwledger.math.gguf.GgufReader;
import java.nio.file.Path;

/**
 * How many requests will an engine take? Plans a GGUF file (given as the first argument) under
 * llama.cpp and vLLM on one GPU and prints what each engine allocates: the tokens of KV cache and
 * the sequences of the requested context it holds at once.
 *
 * <p>Run: {@code ./mvnw -q install -DskipTests && ./mvnw -q -pl examples exec:java
 * -Dexec.mainClass=io.hwledger.examples.EngineCheck -Dexec.args=model.gguf}
 */
public final class EngineCheck {
  private EngineCheck() {}

  /** Reads the GGUF header (never its tensor data) and plans a 32K-token workload for 4 users. */
  public static void main(String[] args) {
    GgufFile file = GgufReader.read(Path.of(args[0]));
    Planner planner = Planner.of(file.modelSpec(), file.checkpointWeights()); // stored bytes
    Precision precision = file.modelSpec().defaultPrecision();
    Workload request = Workload.of(32_768, 4);
    Deployment gpu = Deployment.singleGpu().onGpu(GpuCatalog.builtIn().get("rtx-4090"));

    for (Deployment d :
        new Deployment[] {
          gpu.withEngine(LlamaCppEngine.defaults()), gpu.withEngine(VllmEngine.defaults())
        }) {
      MemoryPlan plan = planner.plan(precision, request, d);
      EnginePlan engine = plan.engine().orElseThrow();
      System.out.printf(
          "%s %s: %,d tokens of KV cache, %.2f sequences of %d tokens; fits=%s%n",
          file.fileType().orElse("?"),
          engine.engine(),
          engine.kvCacheTokens(),
          engine.maxConcurrency(),
          request.contextTokens(),
          plan.fit().orElseThrow().fits());
    }
  }
}
