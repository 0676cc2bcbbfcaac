package io.hwledger.fleet.ssh;

import java.security.PublicKey;
import java.util.Optional;

/**
 * The host keys the fleet has learned, kept by the fleet server in its ledger. Keys are keyed by
 * {@link SshAddress#hostPort()} of each hop (jump hosts and targets alike). Called from SSH I/O
 * threads, so implementations are thread-safe.
 */
public interface HostKeyStore {

  /**
   * The key learned for a host, which wins over {@code known_hosts}.
   *
   * @param hostPort {@code host:port}, IPv6 in brackets
   * @return the learned key, or empty when none was learned
   */
  Optional<PublicKey> learned(String hostPort);

  /**
   * Records the first key seen for a host under {@link HostKeyPolicy#ACCEPT_NEW}. Durable when it
   * returns: the connection goes on only afterwards, and not at all if this throws.
   *
   * @param hostPort {@code host:port}, IPv6 in brackets
   * @param key the key the host presented
   */
  void learn(String hostPort, PublicKey key);

  /**
   * Records a refused host key: an unknown key under {@link HostKeyPolicy#STRICT}, or a key that
   * differs from the learned or {@code known_hosts} one.
   *
   * @param hostPort {@code host:port}, IPv6 in brackets
   * @param presented the key the host presented
   * @param reason one line with the presented and expected fingerprints
   */
  void refused(String hostPort, PublicKey presented, String reason);
}
