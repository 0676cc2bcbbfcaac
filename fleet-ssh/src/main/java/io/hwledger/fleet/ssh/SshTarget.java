package io.hwledger.fleet.ssh;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A host to poll over SSH and how to reach and trust it. The same client key authenticates every
 * hop; each hop's host key is checked on its own.
 *
 * @param address where to log in
 * @param keyFile the client's private key file on this machine (absolute, normalised), or null for
 *     the user's default identities ({@code ~/.ssh/id_ed25519}, {@code id_ecdsa}, {@code id_rsa},
 *     those that exist)
 * @param jumps the ProxyJump chain, first hop first, at most {@value #MAX_JUMPS}, none repeated and
 *     none equal to the target
 * @param hostKeys what to do with a host key that is neither learned nor in {@code known_hosts}
 * @param knownHosts an OpenSSH {@code known_hosts} file (absolute, normalised), or null for {@code
 *     ~/.ssh/known_hosts}
 */
public record SshTarget(
    SshAddress address,
    @Nullable Path keyFile,
    List<SshAddress> jumps,
    HostKeyPolicy hostKeys,
    @Nullable Path knownHosts) {

  /** The most jump hosts in a chain. */
  public static final int MAX_JUMPS = 8;

  /**
   * Checks the parts.
   *
   * @param address where to log in
   * @param keyFile the client's private key file, absolute, or null
   * @param jumps the jump hosts, first hop first
   * @param hostKeys the policy for unknown host keys
   * @param knownHosts a {@code known_hosts} file, absolute, or null
   * @throws IllegalArgumentException naming the part that is not valid
   */
  public SshTarget {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(jumps, "jumps");
    Objects.requireNonNull(hostKeys, "hostKeys");
    keyFile = absolute(keyFile, "key file");
    knownHosts = absolute(knownHosts, "known_hosts file");
    jumps = List.copyOf(jumps);
    if (jumps.size() > MAX_JUMPS) {
      throw new IllegalArgumentException(
          "at most " + MAX_JUMPS + " jump hosts, got " + jumps.size());
    }
    Set<SshAddress> seen = new HashSet<>();
    seen.add(address);
    for (SshAddress jump : jumps) {
      if (!seen.add(jump)) {
        throw new IllegalArgumentException(
            "jump host " + jump + " appears twice in the chain to " + address);
      }
    }
  }

  /**
   * A target reached directly with strict host-key checking against {@code ~/.ssh/known_hosts}.
   *
   * @param address where to log in
   * @param keyFile the client's private key file, absolute, or null for the default identities
   * @return the target
   */
  public static SshTarget strict(SshAddress address, @Nullable Path keyFile) {
    return new SshTarget(address, keyFile, List.of(), HostKeyPolicy.STRICT, null);
  }

  private static @Nullable Path absolute(@Nullable Path path, String what) {
    if (path == null) {
      return null;
    }
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException(what + " must be an absolute path, was " + path);
    }
    return path.normalize();
  }
}
