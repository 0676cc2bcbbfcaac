/**
 * hwLedger's GPU telemetry SPI: backend providers found with {@link java.util.ServiceLoader}, the
 * registry that picks them, and the sampler. JDK only; independent of the planner API.
 */
module io.hwledger.spi {
  requires static org.jspecify;

  exports io.hwledger.spi;

  uses io.hwledger.spi.GpuBackendProvider;
}
