package io.hwledger.fleet.ssh;

/**
 * What to do with a host key that is neither learned nor in {@code known_hosts}. A key that differs
 * from a learned or {@code known_hosts} one is refused under either policy.
 */
public enum HostKeyPolicy {
  /** Refuse it: the admin adds the key to {@code known_hosts} first. The default. */
  STRICT,
  /** Learn it through the {@link HostKeyStore} (the ledger) and go on; pinned from then on. */
  ACCEPT_NEW
}
