package io.hwledger.fleet.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether one hop's host key is trusted, during that hop's key exchange (before any
 * authentication): a key learned in the {@link HostKeyStore} wins (pinned); else the {@code
 * known_hosts} entries for the hop's host and port (hashed and {@code [host]:port} entries
 * included, {@code @revoked} keys refused); else, only under {@link HostKeyPolicy#ACCEPT_NEW}, the
 * key is learned; else refused. A key that differs from the learned or {@code known_hosts} one is
 * always refused. Every refusal is reported to the store and kept for the caller. One per hop
 * connection attempt; thread-safe.
 */
final class HostKeyCheck {
  /** Where a session's check travels: the connection context of its {@code connect}. */
  static final AttributeKey<HostKeyCheck> KEY = new AttributeKey<>();

  private static final Logger LOG = LoggerFactory.getLogger(HostKeyCheck.class);
  private static final String REVOKED = "revoked";

  private final SshAddress hop;
  private final HostKeyPolicy policy;
  private final Path knownHosts;
  private final HostKeyStore store;

  private @Nullable Expected expected;
  private @Nullable SshFailure refusal;
  private boolean accepted;

  HostKeyCheck(SshAddress hop, HostKeyPolicy policy, Path knownHosts, HostKeyStore store) {
    this.hop = Objects.requireNonNull(hop, "hop");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.knownHosts = Objects.requireNonNull(knownHosts, "knownHosts");
    this.store = Objects.requireNonNull(store, "store");
  }

  /** The hop this check is for. */
  SshAddress hop() {
    return hop;
  }

  /**
   * The key types already trusted for this hop, learned key first, so the key exchange can ask for
   * one of them before the others (as OpenSSH does); empty when none is known.
   */
  synchronized List<String> trustedKeyTypes() {
    Expected e = expected();
    Set<String> types = new LinkedHashSet<>();
    if (e.learned != null) {
      types.add(KeyUtils.getKeyType(e.learned));
    } else {
      e.known.forEach(k -> types.add(KeyUtils.getKeyType(k)));
    }
    types.remove(null);
    return List.copyOf(types);
  }

  /**
   * Decides on the key the hop presented.
   *
   * @param presented the hop's host key
   * @return whether the key exchange may go on
   */
  synchronized boolean verify(PublicKey presented) {
    Objects.requireNonNull(presented, "presented");
    String fingerprint = PublicKeys.fingerprint(presented);
    Expected e = expected();
    if (e.error != null) {
      return refuse(SshFailure.Kind.UNKNOWN_HOST_KEY, presented, e.error);
    }
    if (e.learned != null) {
      if (KeyUtils.compareKeys(e.learned, presented)) {
        return accept();
      }
      return refuse(
          SshFailure.Kind.CHANGED_HOST_KEY,
          presented,
          "host key of "
              + hop
              + " changed: presented "
              + fingerprint
              + ", learned "
              + PublicKeys.fingerprint(e.learned));
    }
    if (e.revoked.stream().anyMatch(k -> KeyUtils.compareKeys(k, presented))) {
      return refuse(
          SshFailure.Kind.CHANGED_HOST_KEY,
          presented,
          "host key of " + hop + " is marked @revoked in " + knownHosts + ": " + fingerprint);
    }
    if (!e.known.isEmpty()) {
      if (e.known.stream().anyMatch(k -> KeyUtils.compareKeys(k, presented))) {
        return accept();
      }
      return refuse(
          SshFailure.Kind.CHANGED_HOST_KEY,
          presented,
          "host key of "
              + hop
              + " changed: presented "
              + fingerprint
              + ", "
              + knownHosts
              + " holds "
              + e.known.stream().map(PublicKeys::fingerprint).collect(Collectors.joining(", ")));
    }
    if (policy == HostKeyPolicy.ACCEPT_NEW) {
      try {
        store.learn(hop.hostPort(), presented);
      } catch (RuntimeException ex) {
        LOG.warn("could not record the host key of {}: {}", hop, ex.toString());
        return refuse(
            SshFailure.Kind.UNKNOWN_HOST_KEY,
            presented,
            "new host key of " + hop + " (" + fingerprint + ") could not be recorded");
      }
      LOG.info("learned the host key of {}: {}", hop, fingerprint);
      return accept();
    }
    return refuse(
        SshFailure.Kind.UNKNOWN_HOST_KEY,
        presented,
        "unknown host key of "
            + hop
            + ": presented "
            + fingerprint
            + ", which is neither learned nor in "
            + knownHosts
            + " (add it there, or allow accept-new)");
  }

  /** The refusal, once the hop's key was refused; else null. */
  synchronized @Nullable SshFailure refusal() {
    return refusal;
  }

  /** Whether the hop's key was accepted. */
  synchronized boolean accepted() {
    return accepted;
  }

  private boolean accept() {
    accepted = true;
    return true;
  }

  private boolean refuse(SshFailure.Kind kind, PublicKey presented, String reason) {
    refusal = new SshFailure(kind, reason);
    LOG.warn("refused: {}", reason);
    try {
      store.refused(hop.hostPort(), presented, reason);
    } catch (RuntimeException ex) {
      LOG.warn("could not record the refused host key of {}: {}", hop, ex.toString());
    }
    return false;
  }

  private Expected expected() {
    if (expected == null) {
      expected = load();
    }
    return expected;
  }

  private Expected load() {
    Optional<PublicKey> learned;
    try {
      learned = store.learned(hop.hostPort());
    } catch (RuntimeException ex) {
      LOG.warn("could not read the learned host key of {}: {}", hop, ex.toString());
      return Expected.error("the learned host key of " + hop + " could not be read");
    }
    if (learned.isPresent()) {
      return new Expected(learned.get(), List.of(), List.of(), null);
    }
    List<KnownHostEntry> entries;
    try {
      entries =
          Files.exists(knownHosts) ? KnownHostEntry.readKnownHostEntries(knownHosts) : List.of();
    } catch (NoSuchFileException ex) {
      entries = List.of();
    } catch (IOException | RuntimeException ex) {
      return Expected.error(
          "cannot read " + knownHosts + " to check the host key of " + hop + ": " + ex);
    }
    List<PublicKey> known = new ArrayList<>();
    List<PublicKey> revoked = new ArrayList<>();
    for (KnownHostEntry entry : entries) {
      AuthorizedKeyEntry keyEntry = entry.getKeyEntry();
      if (keyEntry == null || !entry.isHostMatch(hop.host(), hop.port())) {
        continue;
      }
      String marker = entry.getMarker();
      // @cert-authority lines sign host certificates, which this client does not use
      if (marker != null && !REVOKED.equals(marker)) {
        continue;
      }
      PublicKey key;
      try {
        key = keyEntry.resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
      } catch (IOException | GeneralSecurityException | RuntimeException ex) {
        LOG.debug("skipped an unreadable key for {} in {}", hop, knownHosts);
        continue;
      }
      if (key != null) {
        (marker == null ? known : revoked).add(key);
      }
    }
    return new Expected(null, List.copyOf(known), List.copyOf(revoked), null);
  }

  /** What the hop's key is checked against: learned, else known_hosts keys; or why neither. */
  private static final class Expected {
    final @Nullable PublicKey learned;
    final List<PublicKey> known;
    final List<PublicKey> revoked;
    final @Nullable String error;

    Expected(
        @Nullable PublicKey learned,
        List<PublicKey> known,
        List<PublicKey> revoked,
        @Nullable String error) {
      this.learned = learned;
      this.known = known;
      this.revoked = revoked;
      this.error = error;
    }

    static Expected error(String why) {
      return new Expected(null, List.of(), List.of(), why);
    }
  }
}
