/**
 * AMD GPU telemetry: ROCm SMI through JNA, the amdgpu sysfs reader, and the {@code amd-smi} /
 * {@code rocm-smi} JSON parsers.
 */
module io.hwledger.rocm {
  requires transitive io.hwledger.spi;
  requires com.sun.jna;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports io.hwledger.rocm;

  opens io.hwledger.rocm.jna to
      com.sun.jna;

  provides io.hwledger.spi.GpuBackendProvider with
      io.hwledger.rocm.RocmSmiBackendProvider,
      io.hwledger.rocm.AmdgpuSysfsBackendProvider;
}
