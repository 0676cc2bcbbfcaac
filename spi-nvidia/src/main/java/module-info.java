/** NVIDIA GPU telemetry: NVML through JNA, and the {@code nvidia-smi} CSV fallback. */
module io.hwledger.nvidia {
  requires transitive io.hwledger.spi;
  requires com.sun.jna;
  requires org.slf4j;
  requires static org.jspecify;

  exports io.hwledger.nvidia;

  // JNA reads the Structure classes and proxies the library interface reflectively
  opens io.hwledger.nvidia.jna to
      com.sun.jna;

  provides io.hwledger.spi.GpuBackendProvider with
      io.hwledger.nvidia.NvmlBackendProvider,
      io.hwledger.nvidia.NvidiaSmiBackendProvider;
}
