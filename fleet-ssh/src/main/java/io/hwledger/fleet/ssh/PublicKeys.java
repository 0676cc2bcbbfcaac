package io.hwledger.fleet.ssh;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Map;
import java.util.Objects;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/** Host keys as text: OpenSSH's public-key line (what the ledger keeps) and its fingerprint. */
public final class PublicKeys {
  private PublicKeys() {}

  /**
   * The key as one OpenSSH public-key line, {@code ssh-ed25519 AAAA…}.
   *
   * @param key a host key
   * @return its OpenSSH form, without a comment
   */
  public static String openSsh(PublicKey key) {
    return PublicKeyEntry.toString(Objects.requireNonNull(key, "key"));
  }

  /**
   * Reads a line {@link #openSsh} wrote.
   *
   * @param line {@code TYPE BASE64 [COMMENT]}
   * @return the key
   * @throws IllegalArgumentException if it is not an OpenSSH public key of a supported type
   */
  public static PublicKey parse(String line) {
    Objects.requireNonNull(line, "line");
    try {
      PublicKey key =
          PublicKeyEntry.parsePublicKeyEntry(line)
              .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
      if (key == null) {
        throw new IllegalArgumentException("not an OpenSSH public key");
      }
      return key;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("not an OpenSSH public key: " + e.getMessage(), e);
    }
  }

  /**
   * OpenSSH's fingerprint, as {@code ssh-keygen -l} prints it.
   *
   * @param key a host key
   * @return {@code SHA256:} and the unpadded base64 of the SHA-256 of the key's wire form
   */
  public static String fingerprint(PublicKey key) {
    return KeyUtils.getFingerPrint(Objects.requireNonNull(key, "key"));
  }
}
