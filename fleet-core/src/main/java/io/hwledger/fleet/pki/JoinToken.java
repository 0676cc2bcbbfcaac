package io.hwledger.fleet.pki;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A join token as the server stores it: its public id, the SHA-256 of its secret (never the secret
 * itself), when it expires and how many enrollments it still allows (FLEET.md §3). The token an
 * operator hands to an agent is {@code <id>.<secret>}: 16 random bytes as 32 hex digits, a dot, 32
 * random bytes as 43 base64url characters. Immutable: a redemption returns the token with one use
 * fewer.
 *
 * @param id the public id, 32 lower-case hex digits
 * @param secretHash SHA-256 of the secret's text, 64 lower-case hex digits
 * @param expiresAt the first instant at which the token no longer works
 * @param usesLeft enrollments still allowed, at least 0
 */
public record JoinToken(String id, String secretHash, Instant expiresAt, int usesLeft) {
  private static final Pattern TOKEN = Pattern.compile("([0-9a-f]{32})\\.([A-Za-z0-9_-]{43})");
  private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  /**
   * Checks the fields.
   *
   * @param id the public id, 32 lower-case hex digits
   * @param secretHash SHA-256 of the secret, 64 lower-case hex digits
   * @param expiresAt the expiry instant
   * @param usesLeft enrollments still allowed, at least 0
   * @throws IllegalArgumentException if a field is malformed
   */
  public JoinToken {
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (id == null || !HEX32.matcher(id).matches()) {
      throw new IllegalArgumentException("a join token id is 32 lower-case hex digits");
    }
    if (secretHash == null || !HEX64.matcher(secretHash).matches()) {
      throw new IllegalArgumentException("a join token's secret hash is 64 lower-case hex digits");
    }
    if (usesLeft < 0) {
      throw new IllegalArgumentException("usesLeft must be at least 0, was " + usesLeft);
    }
  }

  /**
   * A new token and what the server stores of it.
   *
   * @param token the text to hand to one agent's operator, {@code <id>.<secret>}; shown once
   * @param stored what the server keeps: id, secret hash, expiry and uses
   */
  public record Issued(String token, JoinToken stored) {
    /** Keeps the secret out of logs that print this record. */
    @Override
    public String toString() {
      return "Issued[" + stored + "]";
    }
  }

  /**
   * Creates a token valid from {@code now} for {@code ttl} and {@code uses} enrollments.
   *
   * @param ttl how long it works, from 1 minute to 30 days
   * @param uses how many agents may enroll with it, 1 to 1000
   * @param now the creation time
   * @param random the source of id and secret
   * @return the token text (shown once) and its stored form
   * @throws IllegalArgumentException if {@code ttl} or {@code uses} is out of range
   */
  public static Issued create(Duration ttl, int uses, Instant now, SecureRandom random) {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(random, "random");
    if (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(Duration.ofDays(30)) > 0) {
      throw new IllegalArgumentException("a join token lives from 1 minute to 30 days, not " + ttl);
    }
    if (uses < 1 || uses > 1000) {
      throw new IllegalArgumentException("a join token allows 1 to 1000 uses, not " + uses);
    }
    byte[] id = new byte[16];
    byte[] secret = new byte[32];
    random.nextBytes(id);
    random.nextBytes(secret);
    String idHex = HexFormat.of().formatHex(id);
    String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return new Issued(
        idHex + "." + secretText, new JoinToken(idHex, sha256(secretText), now.plus(ttl), uses));
  }

  /**
   * The id of a presented token, to find its stored form; nothing about the secret.
   *
   * @param presented a token text as an agent sends it
   * @return the 32-hex-digit id
   * @throws IllegalArgumentException if the text is not {@code <id>.<secret>} (the message never
   *     repeats the text)
   */
  public static String idOf(String presented) {
    return parse(presented).group(1);
  }

  /**
   * Spends one use of this token for {@code presented}, compared in constant time.
   *
   * @param presented the token text the agent sent
   * @param now the time of the enrollment
   * @return this token with one use fewer, for the server to store
   * @throws IllegalArgumentException naming the token id (never the secret) when the text is not
   *     this token, it has expired, or it has no uses left
   */
  public JoinToken redeem(String presented, Instant now) {
    Objects.requireNonNull(now, "now");
    Matcher m = parse(presented);
    boolean sameId =
        MessageDigest.isEqual(
            m.group(1).getBytes(StandardCharsets.US_ASCII), id.getBytes(StandardCharsets.US_ASCII));
    boolean sameSecret =
        MessageDigest.isEqual(
            sha256(m.group(2)).getBytes(StandardCharsets.US_ASCII),
            secretHash.getBytes(StandardCharsets.US_ASCII));
    if (!(sameId && sameSecret)) {
      throw new IllegalArgumentException("join token " + id + ": the secret does not match");
    }
    if (!now.isBefore(expiresAt)) {
      throw new IllegalArgumentException("join token " + id + " expired at " + expiresAt);
    }
    if (usesLeft == 0) {
      throw new IllegalArgumentException("join token " + id + " has no uses left");
    }
    return new JoinToken(id, secretHash, expiresAt, usesLeft - 1);
  }

  private static Matcher parse(String presented) {
    Matcher m = TOKEN.matcher(Objects.requireNonNull(presented, "presented"));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a join token (32 hex digits, '.', 43 base64url characters)");
    }
    return m;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(text.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
