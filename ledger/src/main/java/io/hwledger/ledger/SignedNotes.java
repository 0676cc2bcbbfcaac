package io.hwledger.ledger;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Shared rules of the C2SP signed-note format (c2sp.org/signed-note): key names, key IDs, strict
 * base64 and the text a note may hold.
 */
final class SignedNotes {

  /** Signature type byte of Ed25519 in signed-note key IDs and key texts. */
  static final byte ED25519 = 0x01;

  /** The start of every signature line: em dash (U+2014) and a space. */
  static final String SIGNATURE_PREFIX = "\u2014 ";

  /**
   * More signatures than any honest note carries; the spec asks verifiers to accept at least 16.
   */
  static final int MAX_SIGNATURES = 100;

  private SignedNotes() {}

  /**
   * Whether {@code name} may be a key name: non-empty, no Unicode space, no plus sign, and (as
   * everything in a note) no control character and valid UTF-16.
   */
  static boolean isValidName(String name) {
    if (name.isEmpty() || !isValidUnicode(name)) {
      return false;
    }
    return name.codePoints()
        .noneMatch(
            c ->
                c == '+'
                    || c < 0x20
                    || c == 0x85
                    || Character.isWhitespace(c)
                    || Character.isSpaceChar(c));
  }

  /** Throws unless {@link #isValidName(String)}. */
  static String checkName(String name) {
    if (!isValidName(name)) {
      throw new IllegalArgumentException(
          "key name "
              + quote(name)
              + " must be non-empty with no spaces, plus signs or control characters");
    }
    return name;
  }

  /** {@code SHA-256(name ‖ 0x0A ‖ 0x01 ‖ publicKey)[:4]} as a big-endian integer. */
  static int keyId(String name, byte[] rawPublicKey) {
    byte[] h =
        MerkleHash.sha256(
            name.getBytes(StandardCharsets.UTF_8), new byte[] {'\n', ED25519}, rawPublicKey);
    return ByteBuffer.wrap(h, 0, 4).getInt();
  }

  /** The key ID as 8 lower-case hex digits, as key texts spell it. */
  static String keyIdHex(int keyId) {
    return String.format("%08x", keyId);
  }

  /** Base64 (RFC 4648 §4, padded) that must be canonical: re-encoding gives the same text. */
  static byte[] decodeBase64(String text) {
    byte[] bytes = Base64.getDecoder().decode(text);
    if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
      throw new IllegalArgumentException("base64 is not in canonical form");
    }
    return bytes;
  }

  /**
   * Checks that {@code text} may be signed as a note: non-empty, ending in a newline, valid
   * Unicode, and free of control characters other than newline.
   */
  static void checkText(String text) {
    if (text.isEmpty() || text.charAt(text.length() - 1) != '\n') {
      throw new IllegalArgumentException("note text must be non-empty and end with a newline");
    }
    checkCharacters(text, "note text");
  }

  /** Throws unless {@code text} is valid Unicode with no control characters but newline. */
  static void checkCharacters(String text, String what) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 && c != '\n') {
        throw new IllegalArgumentException(
            what + " holds control character U+" + String.format("%04X", (int) c) + " at " + i);
      }
    }
    if (!isValidUnicode(text)) {
      throw new IllegalArgumentException(what + " is not valid Unicode (unpaired surrogate)");
    }
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code s} quoted for a one-line message: shortened, with control characters escaped. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    int limit = 48;
    for (int i = 0; i < s.length() && i < limit; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (s.length() > limit) {
      b.append('…');
    }
    return b.append('"').toString();
  }

  private static boolean isValidUnicode(String s) {
    try {
      StandardCharsets.UTF_8
          .newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(s));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
