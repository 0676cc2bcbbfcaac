package io.hwledger.ledger;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Ed25519 through the JDK's SunEC provider, converting between the JDK's DER key encodings and the
 * raw 32-byte keys (RFC 8032) that signed notes carry.
 */
final class Ed25519Keys {

  /** Bytes in a raw public key and in a private key seed. */
  static final int KEY_SIZE = 32;

  /** Bytes in a signature. */
  static final int SIGNATURE_SIZE = 64;

  /**
   * The DER header of an Ed25519 {@code SubjectPublicKeyInfo} (RFC 8410 §4, example in §10.1):
   * SEQUENCE (42 bytes) { SEQUENCE { OID 1.3.101.112 (id-Ed25519) }, BIT STRING (33 bytes, no
   * unused bits) }, followed by the 32-byte raw public key.
   */
  private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  /**
   * The DER header of an Ed25519 {@code OneAsymmetricKey} (PKCS #8) without the optional public key
   * (RFC 8410 §7, example in §10.3): SEQUENCE (46 bytes) { INTEGER 0, SEQUENCE { OID 1.3.101.112 },
   * OCTET STRING (34 bytes) { OCTET STRING (32 bytes) } }, followed by the 32-byte seed.
   */
  private static final byte[] PKCS8_PREFIX =
      HexFormat.of().parseHex("302e020100300506032b657004220420");

  private Ed25519Keys() {}

  /** A new key pair drawn from {@code random}. */
  static KeyPair generate(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
      g.initialize(NamedParameterSpec.ED25519, random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw unavailable(e);
    }
  }

  /**
   * The key pair whose private key is {@code seed}. The JDK has no public API that derives an
   * Ed25519 public key from its seed, so the generator is handed a random source that yields the
   * seed; the result is checked against the seed, so a provider that drew its key differently would
   * fail loudly here rather than sign with the wrong key.
   */
  static KeyPair fromSeed(byte[] seed) {
    if (seed.length != KEY_SIZE) {
      throw new IllegalArgumentException(
          "Ed25519 seed has " + seed.length + " bytes, not " + KEY_SIZE);
    }
    KeyPair pair = generate(new SecureRandom(new FixedBytes(seed), null) {});
    if (!Arrays.equals(seed(pair.getPrivate()), seed)) {
      throw new IllegalStateException("the Ed25519 provider did not derive the key from the seed");
    }
    return pair;
  }

  /** The 32-byte seed inside a JDK Ed25519 private key. */
  static byte[] seed(PrivateKey key) {
    return strip(key.getEncoded(), PKCS8_PREFIX, "PKCS #8 private key");
  }

  /** The raw 32-byte public key inside a JDK Ed25519 public key. */
  static byte[] raw(PublicKey key) {
    return strip(key.getEncoded(), X509_PREFIX, "X.509 public key");
  }

  /** A JDK public key for a raw 32-byte Ed25519 public key. */
  static PublicKey publicKey(byte[] raw) {
    if (raw.length != KEY_SIZE) {
      throw new IllegalArgumentException(
          "Ed25519 public key has " + raw.length + " bytes, not " + KEY_SIZE);
    }
    try {
      return KeyFactory.getInstance("Ed25519")
          .generatePublic(new X509EncodedKeySpec(concat(X509_PREFIX, raw)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 public key", e);
    }
  }

  /** A JDK private key for a 32-byte Ed25519 seed. */
  static PrivateKey privateKey(byte[] seed) {
    try {
      return KeyFactory.getInstance("Ed25519")
          .generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, seed)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 private key", e);
    }
  }

  /** The 64-byte RFC 8032 signature of {@code message}. */
  static byte[] sign(PrivateKey key, byte[] message) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw unavailable(e);
    }
  }

  /** Whether {@code signature} is a valid RFC 8032 signature of {@code message}; never throws. */
  static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    if (signature.length != SIGNATURE_SIZE) {
      return false;
    }
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      // SignatureException for a signature whose scalar is out of range, among others.
      return false;
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] strip(byte[] encoded, byte[] prefix, String what) {
    if (encoded == null
        || encoded.length != prefix.length + KEY_SIZE
        || !Arrays.equals(encoded, 0, prefix.length, prefix, 0, prefix.length)) {
      throw new IllegalArgumentException("not an Ed25519 " + what + " in the RFC 8410 encoding");
    }
    return Arrays.copyOfRange(encoded, prefix.length, encoded.length);
  }

  private static IllegalStateException unavailable(GeneralSecurityException e) {
    // Ed25519 is in every JDK since 15 (JEP 339).
    return new IllegalStateException("Ed25519 is not available: " + e.getMessage(), e);
  }

  /** A random source that yields the given bytes once, then fails. */
  private static final class FixedBytes extends SecureRandomSpi {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;
    private boolean used;

    FixedBytes(byte[] bytes) {
      this.bytes = bytes.clone();
    }

    @Override
    protected void engineSetSeed(byte[] seed) {
      throw new UnsupportedOperationException("fixed bytes cannot be reseeded");
    }

    @Override
    protected void engineNextBytes(byte[] out) {
      if (used || out.length != bytes.length) {
        throw new IllegalStateException(
            "expected one request for " + bytes.length + " bytes, got " + out.length);
      }
      used = true;
      System.arraycopy(bytes, 0, out, 0, out.length);
    }

    @Override
    protected byte[] engineGenerateSeed(int numBytes) {
      throw new UnsupportedOperationException("fixed bytes cannot generate seeds");
    }
  }
}
