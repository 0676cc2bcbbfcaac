package io.hwledger.examples;

import io.hwledger.api.Deployment;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Workload;
import io.hwledger.examples.backend.FakeCsvBackendProvider;
import io.hwledger.examples.tgi.TgiEngine;
import io.hwledger.math.GpuCatalog;
import io.hwledger.math.ModelCatalog;
import io.hwledger.math.Planner;
import io.hwledger.math.engine.EngineModels;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuBackends;
import io.hwledger.spi.GpuDevice;
import java.io.IOException;
import java.time.Clock;

/**
 * What an application on the module path sees: the module it runs in, the engines found through
 * {@code provides} (the built-ins and this module's TGI), a plan under TGI, the ledger example, and
 * the GPU backends found through {@code provides}.
 *
 * <p>Run: {@code java --module-path <examples and its runtime jars> -m
 * io.hwledger.examples/io.hwledger.examples.ModulePathConsumer}; with {@code
 * -Dhwledger.fakecsv=classpath:hwledger-examples/fake-gpus.csv} the CSV backend replays two GPUs.
 */
public final class ModulePathConsumer {
  private ModulePathConsumer() {}

  /** Prints one line per check. */
  public static void main(String[] args) throws IOException {
    System.out.println("module=" + ModulePathConsumer.class.getModule().getName());
    System.out.println("engines=" + String.join(",", EngineModels.defaults().ids()));

    ModelSpec model = ModelCatalog.builtIn().spec("llama-3.1-8b");
    Deployment h100 =
        Deployment.singleGpu()
            .onGpu(GpuCatalog.builtIn().get("h100-sxm-80gb"))
            .withEngine(TgiEngine.defaults());
    EnginePlan tgi =
        Planner.of(model)
            .plan(model.defaultPrecision(), Workload.of(8192, 4), h100)
            .engine()
            .orElseThrow();
    System.out.println("plan=" + tgi.engine() + " kvCacheTokens=" + tgi.kvCacheTokens());

    LedgerExample.main(args);

    GpuBackends backends = GpuBackends.discover();
    System.out.println(
        "backends=" + backends.providers().stream().map(GpuBackendProvider::id).toList());
    GpuBackendProvider csv = backends.select(FakeCsvBackendProvider.ID).orElseThrow();
    try (GpuBackend backend = csv.open(Clock.systemUTC())) {
      for (GpuDevice device : backend.devices()) {
        System.out.println("device=" + device.index() + " " + device.name());
      }
    }
  }
}
