package io.hwledger.ledger;

import java.nio.ByteBuffer;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Verifies notes (c2sp.org/signed-note) and checkpoints signed by one Ed25519 key, given only the
 * public key. The key travels as a verifier key text in the golang.org/x/mod/sumdb/note form,
 * {@code <name>+<8 hex digits key ID>+<base64(0x01 ‖ 32-byte public key)>}.
 *
 * <p>Following the signed-note spec, signatures by other keys (another name or key ID) are ignored;
 * a note is rejected when no signature by this key verifies, and also when any signature by this
 * key fails. Every rejection is a {@link CheckpointException} with a one-line message.
 *
 * <p>Immutable and thread-safe.
 */
public final class NoteVerifier {

  private static final Pattern KEY_ID_HEX = Pattern.compile("[0-9a-f]{8}");

  private final String name;
  private final int keyId;
  private final byte[] rawKey;
  private final PublicKey publicKey;

  private NoteVerifier(String name, byte[] rawKey) {
    this.name = name;
    this.rawKey = rawKey.clone();
    this.keyId = SignedNotes.keyId(name, rawKey);
    this.publicKey = Ed25519Keys.publicKey(rawKey);
  }

  /**
   * The verifier for a verifier key text, {@code <name>+<key ID>+<base64 key>}; leading and
   * trailing whitespace (the newline a key file ends with) is ignored.
   *
   * @param verifierKey the public key text, as {@link NoteSigner#verifierKey()} writes it
   * @return the verifier
   * @throws IllegalArgumentException if the text is malformed, not Ed25519, or its key ID does not
   *     match its name and key
   */
  public static NoteVerifier parse(String verifierKey) {
    verifierKey = Objects.requireNonNull(verifierKey, "verifierKey").strip();
    int plus1 = verifierKey.indexOf('+');
    int plus2 = plus1 < 0 ? -1 : verifierKey.indexOf('+', plus1 + 1);
    if (plus2 < 0) {
      throw new IllegalArgumentException(
          "verifier key " + SignedNotes.quote(verifierKey) + " is not <name>+<key ID>+<key>");
    }
    String name = verifierKey.substring(0, plus1);
    String idHex = verifierKey.substring(plus1 + 1, plus2);
    if (!SignedNotes.isValidName(name)) {
      throw new IllegalArgumentException(
          "verifier key has an invalid key name " + SignedNotes.quote(name));
    }
    if (!KEY_ID_HEX.matcher(idHex).matches()) {
      throw new IllegalArgumentException(
          "verifier key for "
              + name
              + " has key ID "
              + SignedNotes.quote(idHex)
              + ", not 8 lower-case hex digits");
    }
    byte[] key;
    try {
      key = SignedNotes.decodeBase64(verifierKey.substring(plus2 + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("verifier key for " + name + " is not valid base64", e);
    }
    if (key.length != 1 + Ed25519Keys.KEY_SIZE || key[0] != SignedNotes.ED25519) {
      throw new IllegalArgumentException(
          "verifier key for " + name + " is not an Ed25519 key (type 0x01 and 32 bytes)");
    }
    byte[] raw = new byte[Ed25519Keys.KEY_SIZE];
    System.arraycopy(key, 1, raw, 0, raw.length);
    NoteVerifier v = new NoteVerifier(name, raw);
    if (!SignedNotes.keyIdHex(v.keyId).equals(idHex)) {
      throw new IllegalArgumentException(
          "verifier key for "
              + name
              + " has key ID "
              + idHex
              + " but its key's ID is "
              + SignedNotes.keyIdHex(v.keyId));
    }
    return v;
  }

  /**
   * The verifier for a JDK Ed25519 public key under {@code name}.
   *
   * @param name the key name signature lines carry: non-empty, no spaces or plus signs
   * @param key an Ed25519 public key
   * @return the verifier
   * @throws IllegalArgumentException if the name is invalid or the key is not Ed25519
   */
  public static NoteVerifier of(String name, PublicKey key) {
    SignedNotes.checkName(Objects.requireNonNull(name, "name"));
    return new NoteVerifier(name, Ed25519Keys.raw(Objects.requireNonNull(key, "key")));
  }

  static String keyText(String name, int keyId, byte[] rawKey) {
    return name
        + "+"
        + SignedNotes.keyIdHex(keyId)
        + "+"
        + Base64.getEncoder().encodeToString(Ed25519Keys.concat(new byte[] {1}, rawKey));
  }

  /**
   * The key name whose signature lines this verifier checks.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The key ID whose signature lines this verifier checks.
   *
   * @return the first four bytes of {@code SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)}, big-endian
   */
  public int keyId() {
    return keyId;
  }

  /**
   * The verifier key text, which {@link #parse} reads back.
   *
   * @return {@code <name>+<key ID>+<base64(0x01 ‖ public key)>}, without a newline
   */
  public String verifierKey() {
    return keyText(name, keyId, rawKey);
  }

  /**
   * The JDK form of the public key.
   *
   * @return an Ed25519 public key
   */
  public PublicKey publicKey() {
    return publicKey;
  }

  /**
   * Checks a signed note and returns its text (ending in a newline, without the blank line and the
   * signatures).
   *
   * @param signedNote the note text, a blank line, then one or more signature lines
   * @return the signed text
   * @throws CheckpointException if the note is malformed, a signature by this key fails, or none by
   *     this key is present
   */
  public String open(String signedNote) {
    Objects.requireNonNull(signedNote, "signedNote");
    try {
      SignedNotes.checkCharacters(signedNote, "signed note");
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(e.getMessage(), e);
    }
    int split = signedNote.lastIndexOf("\n\n");
    if (split < 0) {
      throw new CheckpointException("signed note has no blank line before its signatures");
    }
    String text = signedNote.substring(0, split + 1);
    String signatures = signedNote.substring(split + 2);
    if (signatures.isEmpty() || signatures.charAt(signatures.length() - 1) != '\n') {
      throw new CheckpointException("signed note does not end with a signature line");
    }
    String[] lines = signatures.substring(0, signatures.length() - 1).split("\n", -1);
    if (lines.length > SignedNotes.MAX_SIGNATURES) {
      throw new CheckpointException(
          "signed note has "
              + lines.length
              + " signatures, more than the "
              + SignedNotes.MAX_SIGNATURES
              + " accepted");
    }
    byte[] message = SignedNotes.utf8(text);
    int verified = 0;
    for (int i = 0; i < lines.length; i++) {
      byte[] signature = parseSignatureLine(lines[i], i + 1);
      if (signature == null) {
        continue;
      }
      if (!Ed25519Keys.verify(publicKey, message, signature)) {
        throw new CheckpointException(
            "signature " + (i + 1) + " by key " + describe() + " does not verify");
      }
      verified++;
    }
    if (verified == 0) {
      throw new CheckpointException("signed note has no signature by key " + describe());
    }
    return text;
  }

  /**
   * Checks a signed checkpoint and returns it. The checkpoint's origin is not compared with this
   * key's name: compare it with the log you expect.
   *
   * @param signedNote a checkpoint body signed as a note
   * @return the checkpoint the signature covers
   * @throws CheckpointException if the note does not {@linkplain #open(String) open} or its text is
   *     not a checkpoint
   */
  public Checkpoint verify(String signedNote) {
    return Checkpoint.parseBody(open(signedNote));
  }

  /**
   * The Ed25519 signature in a signature line if it is by this key (same name and key ID), or null
   * if it is by another key.
   */
  private byte[] parseSignatureLine(String line, int number) {
    if (!line.startsWith(SignedNotes.SIGNATURE_PREFIX)) {
      throw new CheckpointException(
          "signed note line " + number + " after the blank line is not a signature line");
    }
    String rest = line.substring(SignedNotes.SIGNATURE_PREFIX.length());
    int space = rest.indexOf(' ');
    if (space < 0) {
      throw new CheckpointException("signature line " + number + " has no space after the name");
    }
    String lineName = rest.substring(0, space);
    if (!SignedNotes.isValidName(lineName)) {
      throw new CheckpointException(
          "signature line " + number + " has an invalid key name " + SignedNotes.quote(lineName));
    }
    byte[] decoded;
    try {
      decoded = SignedNotes.decodeBase64(rest.substring(space + 1));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException("signature line " + number + " is not valid base64", e);
    }
    if (decoded.length < 5) {
      throw new CheckpointException(
          "signature line " + number + " holds " + decoded.length + " bytes, too few");
    }
    int lineKeyId = ByteBuffer.wrap(decoded, 0, 4).getInt();
    if (!lineName.equals(name) || lineKeyId != keyId) {
      return null;
    }
    byte[] signature = new byte[decoded.length - 4];
    System.arraycopy(decoded, 4, signature, 0, signature.length);
    return signature;
  }

  private String describe() {
    return name + "+" + SignedNotes.keyIdHex(keyId);
  }

  @Override
  public String toString() {
    return "NoteVerifier[" + verifierKey() + "]";
  }
}
