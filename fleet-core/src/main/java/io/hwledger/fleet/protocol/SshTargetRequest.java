package io.hwledger.fleet.protocol;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An operator's request to poll a host over SSH: {@code POST /v1/admin/ssh}. The server checks the
 * addresses' form and the files on its own machine; here only sizes are bounded.
 *
 * @param v the protocol version
 * @param address {@code user@host[:port]}
 * @param keyFile the private key on the fleet server's machine, absolute; null for the server
 *     user's default identities
 * @param jumps ProxyJump hops, {@code user@host[:port]} each, in order; at most 8
 * @param knownHosts an OpenSSH known_hosts file on the fleet server's machine; null for the server
 *     user's {@code ~/.ssh/known_hosts}
 * @param acceptNew whether a host key seen for the first time is learned (recorded in the ledger)
 *     instead of refused; a changed key is refused either way
 */
public record SshTargetRequest(
    int v,
    String address,
    @Nullable String keyFile,
    List<String> jumps,
    @Nullable String knownHosts,
    boolean acceptNew) {

  /**
   * Validates sizes and copies.
   *
   * @param v the protocol version
   * @param address the target
   * @param keyFile the key file, or null
   * @param jumps the jump hosts; null means none
   * @param knownHosts the known_hosts file, or null
   * @param acceptNew whether new host keys are learned
   * @throws IllegalArgumentException naming what is wrong
   */
  public SshTargetRequest {
    Protocol.checkVersion(v);
    Values.text(address, "address", 300);
    if (keyFile != null) {
      Values.text(keyFile, "keyFile", 4096);
    }
    jumps = jumps == null ? List.of() : List.copyOf(Values.list(jumps, "jumps", 8));
    jumps.forEach(j -> Values.text(j, "jumps[]", 300));
    if (knownHosts != null) {
      Values.text(knownHosts, "knownHosts", 4096);
    }
  }
}
