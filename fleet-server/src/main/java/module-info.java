/**
 * The fleet server: HTTPS with required client certificates on Jetty 12, enrollment and renewal,
 * agents' watch streams, placement by planned memory, and its state as a projection of the ledger.
 */
module io.hwledger.fleet.server {
  requires transitive io.hwledger.fleet;
  // FleetServerOptions names the SSH polling settings
  requires transitive io.hwledger.fleet.ssh;
  requires transitive io.hwledger.ledger;
  requires org.eclipse.jetty.server;
  requires micrometer.core;
  requires micrometer.registry.prometheus;
  requires org.slf4j;

  exports io.hwledger.fleet.server;
}
