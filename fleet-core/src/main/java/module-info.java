/**
 * What the fleet server and its agents share: the fleet's PKI — its certificate authority, join
 * tokens, agents' and operators' certificates and TLS contexts (FLEET.md §3) — the wire protocol's
 * records, and placement by planned memory. No server dependencies.
 */
module io.hwledger.fleet {
  requires transitive io.hwledger.math;
  // JobPlan hands out the plan.computed event of each plan
  requires transitive io.hwledger.ledger;
  requires transitive com.fasterxml.jackson.databind;
  requires static transitive org.jspecify;
  requires org.bouncycastle.pkix;
  requires org.bouncycastle.provider;
  requires transitive java.net.http;

  exports io.hwledger.fleet.pki;
  exports io.hwledger.fleet.protocol;
  exports io.hwledger.fleet.client;
  exports io.hwledger.fleet.placement;

  opens io.hwledger.fleet.protocol to
      com.fasterxml.jackson.databind;
}
