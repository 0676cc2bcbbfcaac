/**
 * The examples as a consumer on the module path would write them: a third-party engine (TGI) and
 * GPU backend (CSV replay) offered with {@code provides}, and programs that plan, record and read
 * telemetry through the published modules only.
 */
module io.hwledger.examples {
  requires transitive io.hwledger.math;
  requires transitive io.hwledger.ledger;
  requires transitive io.hwledger.spi;

  exports io.hwledger.examples;
  exports io.hwledger.examples.tgi;
  exports io.hwledger.examples.backend;

  provides io.hwledger.math.engine.EngineModel with
      io.hwledger.examples.tgi.TgiEngineModel;
  provides io.hwledger.spi.GpuBackendProvider with
      io.hwledger.examples.backend.FakeCsvBackendProvider;
}
