/**
 * Technology compatibility kits: abstract JUnit test classes a GPU telemetry backend or an engine
 * model extends to prove it keeps its SPI contract.
 */
module io.hwledger.tck {
  requires transitive io.hwledger.spi;
  requires transitive io.hwledger.math;
  requires transitive org.junit.jupiter.api;
  requires org.assertj.core;
  requires static org.jspecify;

  exports io.hwledger.tck;

  // JUnit calls the contracts' package-private test methods reflectively
  opens io.hwledger.tck to
      org.junit.platform.commons;
}
