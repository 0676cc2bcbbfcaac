/**
 * The fleet agent: enrollment with a join token, mutual TLS to the fleet server over the JDK's
 * HttpClient, GPU inventory and telemetry through the telemetry SPI, and jobs run from its own
 * allowlist.
 */
module io.hwledger.fleet.agent {
  requires transitive io.hwledger.fleet;
  requires transitive io.hwledger.spi;
  requires java.net.http;
  requires org.slf4j;

  exports io.hwledger.fleet.agent;
}
