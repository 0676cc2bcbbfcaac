package io.hwledger.ledger;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Signs notes (c2sp.org/signed-note) and checkpoints with one Ed25519 key. The key travels as a
 * signer key text in the golang.org/x/mod/sumdb/note form, {@code PRIVATE+KEY+<name>+<8 hex digits
 * key ID>+<base64(0x01 ‖ 32-byte seed)>}, which must be kept secret; {@link #verifierKey()} is the
 * public half to hand out.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the private key.
 */
public final class NoteSigner {

  private static final String PRIVATE_KEY_PREFIX = "PRIVATE+KEY+";
  private static final Pattern KEY_ID_HEX = Pattern.compile("[0-9a-f]{8}");

  private final String name;
  private final int keyId;
  private final byte[] seed;
  private final byte[] publicKey;
  private final PrivateKey privateKey;

  private NoteSigner(String name, KeyPair pair) {
    this.name = name;
    this.seed = Ed25519Keys.seed(pair.getPrivate());
    this.publicKey = Ed25519Keys.raw(pair.getPublic());
    this.keyId = SignedNotes.keyId(name, publicKey);
    this.privateKey = pair.getPrivate();
  }

  /**
   * A new key named {@code name}.
   *
   * @param name the key name, usually the log's origin: non-empty, no spaces or plus signs
   * @param random the source of the Ed25519 seed
   * @return a signer holding a fresh key pair
   * @throws IllegalArgumentException if the name is not valid
   */
  public static NoteSigner generate(String name, SecureRandom random) {
    SignedNotes.checkName(Objects.requireNonNull(name, "name"));
    return new NoteSigner(name, Ed25519Keys.generate(Objects.requireNonNull(random, "random")));
  }

  /**
   * The signer for a signer key text, {@code PRIVATE+KEY+<name>+<key ID>+<base64 key>}; leading and
   * trailing whitespace (the newline a key file ends with) is ignored.
   *
   * @param signerKey the secret key text, as {@link #signerKey()} writes it
   * @return the signer
   * @throws IllegalArgumentException if the text is malformed, not Ed25519, or its key ID does not
   *     match its key (the message never repeats the key)
   */
  public static NoteSigner parse(String signerKey) {
    signerKey = Objects.requireNonNull(signerKey, "signerKey").strip();
    if (!signerKey.startsWith(PRIVATE_KEY_PREFIX)) {
      throw new IllegalArgumentException("signer key does not start with PRIVATE+KEY+");
    }
    String rest = signerKey.substring(PRIVATE_KEY_PREFIX.length());
    int plus1 = rest.indexOf('+');
    int plus2 = plus1 < 0 ? -1 : rest.indexOf('+', plus1 + 1);
    if (plus2 < 0) {
      throw new IllegalArgumentException(
          "signer key is not PRIVATE+KEY+<name>+<key ID>+<base64 key>");
    }
    String name = rest.substring(0, plus1);
    String idHex = rest.substring(plus1 + 1, plus2);
    if (!SignedNotes.isValidName(name)) {
      throw new IllegalArgumentException("signer key has an invalid key name");
    }
    if (!KEY_ID_HEX.matcher(idHex).matches()) {
      throw new IllegalArgumentException(
          "signer key for " + name + " has a key ID that is not 8 lower-case hex digits");
    }
    byte[] key;
    try {
      key = SignedNotes.decodeBase64(rest.substring(plus2 + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("signer key for " + name + " is not valid base64", e);
    }
    if (key.length != 1 + Ed25519Keys.KEY_SIZE || key[0] != SignedNotes.ED25519) {
      throw new IllegalArgumentException(
          "signer key for " + name + " is not an Ed25519 key (type 0x01 and a 32-byte seed)");
    }
    byte[] seed = new byte[Ed25519Keys.KEY_SIZE];
    System.arraycopy(key, 1, seed, 0, seed.length);
    NoteSigner signer = new NoteSigner(name, Ed25519Keys.fromSeed(seed));
    if (!SignedNotes.keyIdHex(signer.keyId).equals(idHex)) {
      throw new IllegalArgumentException(
          "signer key for "
              + name
              + " has key ID "
              + idHex
              + " but its key's ID is "
              + SignedNotes.keyIdHex(signer.keyId));
    }
    return signer;
  }

  /**
   * The key name, which signature lines carry.
   *
   * @return the name, e.g. the log's origin
   */
  public String name() {
    return name;
  }

  /**
   * The key ID, which tells this key's signatures from others of the same name.
   *
   * @return the first four bytes of {@code SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)}, big-endian
   */
  public int keyId() {
    return keyId;
  }

  /**
   * The secret signer key text, which {@link #parse} reads back; keep it secret.
   *
   * @return {@code PRIVATE+KEY+<name>+<key ID>+<base64(0x01 ‖ seed)>}, without a newline
   */
  public String signerKey() {
    return PRIVATE_KEY_PREFIX
        + name
        + "+"
        + SignedNotes.keyIdHex(keyId)
        + "+"
        + Base64.getEncoder().encodeToString(Ed25519Keys.concat(new byte[] {1}, seed));
  }

  /**
   * The public verifier key text, to hand to whoever checks this key's signatures.
   *
   * @return {@code <name>+<key ID>+<base64(0x01 ‖ public key)>}, without a newline
   */
  public String verifierKey() {
    return NoteVerifier.keyText(name, keyId, publicKey);
  }

  /**
   * The verifier for this signer's signatures.
   *
   * @return a verifier of this key's public half
   */
  public NoteVerifier verifier() {
    return NoteVerifier.parse(verifierKey());
  }

  /**
   * Signs {@code text}: returns the text, a blank line, and this key's signature line, {@code —
   * <name> <base64(key ID ‖ Ed25519 signature)>}.
   *
   * @param text the note text: non-empty, ending in a newline, no control characters but newline
   * @return the signed note
   * @throws IllegalArgumentException if the text cannot be a note
   */
  public String sign(String text) {
    Objects.requireNonNull(text, "text");
    SignedNotes.checkText(text);
    byte[] signature = Ed25519Keys.sign(privateKey, SignedNotes.utf8(text));
    byte[] idAndSignature = new byte[4 + signature.length];
    idAndSignature[0] = (byte) (keyId >>> 24);
    idAndSignature[1] = (byte) (keyId >>> 16);
    idAndSignature[2] = (byte) (keyId >>> 8);
    idAndSignature[3] = (byte) keyId;
    System.arraycopy(signature, 0, idAndSignature, 4, signature.length);
    return text
        + "\n"
        + SignedNotes.SIGNATURE_PREFIX
        + name
        + " "
        + Base64.getEncoder().encodeToString(idAndSignature)
        + "\n";
  }

  /**
   * Signs the checkpoint's {@link Checkpoint#body() body}.
   *
   * @param checkpoint the checkpoint to sign; its origin need not equal this key's name
   * @return the signed checkpoint note
   */
  public String sign(Checkpoint checkpoint) {
    return sign(checkpoint.body());
  }

  @Override
  public String toString() {
    return "NoteSigner[" + name + "+" + SignedNotes.keyIdHex(keyId) + "]";
  }
}
