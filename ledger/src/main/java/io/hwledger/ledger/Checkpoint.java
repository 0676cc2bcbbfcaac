package io.hwledger.ledger;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A transparency-log checkpoint (c2sp.org/tlog-checkpoint): the log's origin, its size, and the RFC
 * 9162 root hash at that size, plus optional extension lines. {@link #body()} is the note text that
 * {@link NoteSigner} signs and {@link NoteVerifier} checks; {@link #parseBody(String)} reads it
 * back, byte for byte.
 *
 * <p>Immutable and thread-safe; the root hash is copied on the way in and on the way out. A final
 * class rather than a record because a record's array component would compare by identity.
 */
public final class Checkpoint {

  private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]*");

  private final String origin;
  private final long treeSize;
  private final byte[] rootHash;
  private final List<String> extensions;

  /**
   * Validates and copies.
   *
   * @param origin the log's identity, non-empty, one line, no control characters (a schema-less URL
   *     such as {@code example.com/log42} is recommended and is also the signing key's name)
   * @param treeSize leaves in the tree, at least 0
   * @param rootHash the 32-byte root hash of the first {@code treeSize} leaves
   * @param extensions opaque extension lines, each non-empty (their use is not recommended: log
   *     monitors cannot audit them)
   * @throws IllegalArgumentException naming the bad value
   * @throws NullPointerException if an argument or an extension line is null
   */
  public Checkpoint(String origin, long treeSize, byte[] rootHash, List<String> extensions) {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(rootHash, "rootHash");
    checkLine(origin, "origin");
    if (treeSize < 0) {
      throw new IllegalArgumentException("tree size " + treeSize + " is negative");
    }
    if (rootHash.length != MerkleHash.SIZE) {
      throw new IllegalArgumentException(
          "root hash has " + rootHash.length + " bytes, not " + MerkleHash.SIZE);
    }
    List<String> lines = List.copyOf(extensions);
    for (String line : lines) {
      checkLine(line, "extension line");
    }
    this.origin = origin;
    this.treeSize = treeSize;
    this.rootHash = rootHash.clone();
    this.extensions = lines;
  }

  /**
   * A checkpoint without extension lines.
   *
   * @param origin the log's identity, non-empty, one line, no control characters
   * @param treeSize leaves in the tree, at least 0
   * @param rootHash the 32-byte root hash of the first {@code treeSize} leaves
   * @throws IllegalArgumentException naming the bad value
   */
  public Checkpoint(String origin, long treeSize, byte[] rootHash) {
    this(origin, treeSize, rootHash, List.of());
  }

  /**
   * The log's identity.
   *
   * @return the origin line, e.g. {@code example.com/log42}
   */
  public String origin() {
    return origin;
  }

  /**
   * Leaves in the tree: the ledger's records {@code [0, treeSize)}.
   *
   * @return the size, 0 or more
   */
  public long treeSize() {
    return treeSize;
  }

  /**
   * The RFC 9162 root hash of the first {@link #treeSize()} leaves.
   *
   * @return a fresh copy of the 32 bytes each call
   */
  public byte[] rootHash() {
    return rootHash.clone();
  }

  /**
   * The extension lines, without their newlines.
   *
   * @return an unmodifiable list, usually empty
   */
  public List<String> extensions() {
    return extensions;
  }

  /**
   * The root hash as lower-case hex.
   *
   * @return 64 hex digits
   */
  public String rootHashHex() {
    return HexFormat.of().formatHex(rootHash);
  }

  /**
   * The note text: the origin, the tree size in decimal, the root hash in standard padded base64,
   * then each extension line, every line ending in a newline.
   *
   * @return the text a signed note signs
   */
  public String body() {
    StringBuilder b =
        new StringBuilder()
            .append(origin)
            .append('\n')
            .append(treeSize)
            .append('\n')
            .append(Base64.getEncoder().encodeToString(rootHash))
            .append('\n');
    for (String line : extensions) {
      b.append(line).append('\n');
    }
    return b.toString();
  }

  /**
   * Reads a checkpoint from its note text, strictly: at least three non-empty lines each ending in
   * a newline, a tree size in decimal with no sign or leading zero, and a root hash in canonical
   * padded base64 of exactly 32 bytes.
   *
   * @param body the note text, as {@link #body()} writes it
   * @return the checkpoint, whose {@link #body()} equals {@code body}
   * @throws CheckpointException with a one-line message saying what is wrong
   */
  public static Checkpoint parseBody(String body) {
    Objects.requireNonNull(body, "body");
    if (body.isEmpty() || body.charAt(body.length() - 1) != '\n') {
      throw new CheckpointException("checkpoint body does not end with a newline");
    }
    String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
    if (lines.length < 3) {
      throw new CheckpointException(
          "checkpoint body has "
              + lines.length
              + (lines.length == 1 ? " line" : " lines")
              + ", not the 3 or more it needs (origin, tree size, root hash)");
    }
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isEmpty()) {
        throw new CheckpointException("checkpoint line " + (i + 1) + " is empty");
      }
    }
    if (!DECIMAL.matcher(lines[1]).matches()) {
      throw new CheckpointException(
          "checkpoint tree size "
              + SignedNotes.quote(lines[1])
              + " is not a decimal number without sign or leading zeros");
    }
    long size;
    try {
      size = Long.parseLong(lines[1]);
    } catch (NumberFormatException e) {
      throw new CheckpointException(
          "checkpoint tree size " + SignedNotes.quote(lines[1]) + " is above 2^63 - 1", e);
    }
    byte[] root;
    try {
      root = SignedNotes.decodeBase64(lines[2]);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(
          "checkpoint root hash " + SignedNotes.quote(lines[2]) + " is not canonical base64", e);
    }
    if (root.length != MerkleHash.SIZE) {
      throw new CheckpointException(
          "checkpoint root hash has " + root.length + " bytes, not " + MerkleHash.SIZE);
    }
    try {
      return new Checkpoint(lines[0], size, root, Arrays.asList(lines).subList(3, lines.length));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException("checkpoint " + e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c
        && c.treeSize == treeSize
        && c.origin.equals(origin)
        && MessageDigest.isEqual(c.rootHash, rootHash)
        && c.extensions.equals(extensions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(origin, treeSize, Arrays.hashCode(rootHash), extensions);
  }

  @Override
  public String toString() {
    return "Checkpoint[origin="
        + origin
        + ", treeSize="
        + treeSize
        + ", rootHash="
        + rootHashHex()
        + ", extensions="
        + extensions
        + "]";
  }

  private static void checkLine(String line, String what) {
    if (line.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    if (line.indexOf('\n') >= 0) {
      throw new IllegalArgumentException(what + " " + SignedNotes.quote(line) + " has a newline");
    }
    SignedNotes.checkCharacters(line, what + " " + SignedNotes.quote(line));
  }
}
