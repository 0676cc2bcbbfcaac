/**
 * What the fleet server and its agents share: the fleet's PKI — its certificate authority, join
 * tokens and agents' short-lived client certificates (FLEET.md §3). No server dependencies.
 */
module io.hwledger.fleet {
  requires org.bouncycastle.pkix;
  requires org.bouncycastle.provider;

  exports io.hwledger.fleet.pki;
}
