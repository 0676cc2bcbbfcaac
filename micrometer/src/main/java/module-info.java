/** GPU telemetry as Micrometer gauges. */
// micrometer-core is an automatic module (Automatic-Module-Name micrometer.core); its MeterBinder
// is
// this module's API, so readers of this module must read it too.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.hwledger.micrometer {
  requires transitive io.hwledger.spi;
  requires transitive micrometer.core;

  exports io.hwledger.micrometer;
}
