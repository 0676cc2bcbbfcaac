/**
 * Apple GPU telemetry: Metal and IOKit through JNA, and the {@code ioreg} / {@code macmon} parsers.
 */
module io.hwledger.metal {
  requires transitive io.hwledger.spi;
  requires com.sun.jna;
  requires com.sun.jna.platform;
  requires org.slf4j;

  exports io.hwledger.metal;

  opens io.hwledger.metal.jna to
      com.sun.jna;

  provides io.hwledger.spi.GpuBackendProvider with
      io.hwledger.metal.MetalBackendProvider,
      io.hwledger.metal.MacmonBackendProvider;
}
