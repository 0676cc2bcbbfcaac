/** GPU telemetry as Micrometer gauges. */
module io.hwledger.micrometer {
  requires transitive io.hwledger.spi;
  requires transitive micrometer.core;

  exports io.hwledger.micrometer;
}
