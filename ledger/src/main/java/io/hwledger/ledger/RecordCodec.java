package io.hwledger.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * The on-disk record format. All integers are big-endian.
 *
 * <pre>
 * frame  := length:u32  body:length bytes  hash:32 bytes  crc:u32
 * body   := version:u8 (= 1)  seq:u64  timestampMicros:i64
 *           typeLength:u16  type:UTF-8  schemaVersion:u32
 *           payloadLength:u32  payload:canonical JSON (UTF-8)
 *           prevHash:32 bytes
 * hash   := SHA-256(0x00 ‖ body)        the RFC 9162 leaf hash of the body
 * crc    := CRC-32C over length, body and hash
 * </pre>
 *
 * <p>The body is the record's canonical bytes and its Merkle leaf; its hash is both the chain link
 * the next record stores as {@code prevHash} and the leaf hash of the Merkle tree, so the chain and
 * the tree commit to the same bytes. The first record's {@code prevHash} is {@link #GENESIS}. The
 * CRC only recognises torn or damaged frames; integrity comes from the hashes.
 */
final class RecordCodec {
  /** Body format version. */
  static final int VERSION = 1;

  /** Bytes of a frame around its body: length, hash and CRC. */
  static final int FRAME_OVERHEAD = 4 + 32 + 4;

  /** Largest body accepted, bytes; a larger length field marks a damaged frame. */
  static final int MAX_BODY = 16 << 20;

  /** Longest event type, in UTF-8 bytes. */
  static final int MAX_TYPE = 255;

  /** The {@code prevHash} of record 0: SHA-256 of the ASCII text {@code hwledger genesis v1}. */
  static final byte[] GENESIS = sha256("hwledger genesis v1".getBytes(StandardCharsets.US_ASCII));

  private static final HexFormat HEX = HexFormat.of();

  private RecordCodec() {}

  /**
   * A record time in microseconds since the epoch, the resolution records store.
   *
   * @throws ArithmeticException if {@code time} is beyond the range of a long of microseconds
   */
  static long micros(Instant time) {
    return Math.addExact(
        Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1000);
  }

  /** Encodes a record body. */
  static byte[] body(
      long seq,
      long timestampMicros,
      String type,
      int schemaVersion,
      byte[] payload,
      byte[] prevHash) {
    byte[] typeBytes = type.getBytes(StandardCharsets.UTF_8);
    if (typeBytes.length == 0 || typeBytes.length > MAX_TYPE) {
      throw new IllegalArgumentException("event type must be 1 to " + MAX_TYPE + " bytes");
    }
    int length = 1 + 8 + 8 + 2 + typeBytes.length + 4 + 4 + payload.length + 32;
    if (length > MAX_BODY) {
      throw new IllegalArgumentException(
          "event of " + payload.length + " payload bytes exceeds the " + MAX_BODY + "-byte limit");
    }
    ByteBuffer b = ByteBuffer.allocate(length);
    b.put((byte) VERSION);
    b.putLong(seq);
    b.putLong(timestampMicros);
    b.putShort((short) typeBytes.length);
    b.put(typeBytes);
    b.putInt(schemaVersion);
    b.putInt(payload.length);
    b.put(payload);
    b.put(prevHash);
    return b.array();
  }

  /** Writes the frame of {@code body} with its {@code hash} into {@code out}. */
  static void frame(byte[] body, byte[] hash, ByteBuffer out) {
    int start = out.position();
    out.putInt(body.length);
    out.put(body);
    out.put(hash);
    CRC32C crc = new CRC32C();
    ByteBuffer covered = out.duplicate();
    covered.position(start).limit(start + 4 + body.length + 32);
    crc.update(covered);
    out.putInt((int) crc.getValue());
  }

  /** The CRC-32C of {@code length} bytes of {@code frame} starting at {@code offset}. */
  static int crc(byte[] frame, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(frame, offset, length);
    return (int) crc.getValue();
  }

  /** A decoded body. */
  @SuppressWarnings("ArrayRecordComponent") // a decoded view, never compared or kept
  record Body(
      int version,
      long seq,
      long timestampMicros,
      String type,
      int schemaVersion,
      byte[] payload,
      byte[] prevHash) {}

  /**
   * Decodes a body.
   *
   * @throws IllegalArgumentException naming what is malformed
   */
  static Body decode(byte[] body) {
    ByteBuffer b = ByteBuffer.wrap(body);
    try {
      int version = Byte.toUnsignedInt(b.get());
      if (version != VERSION) {
        throw new IllegalArgumentException("unknown record format version " + version);
      }
      long seq = b.getLong();
      long micros = b.getLong();
      int typeLength = Short.toUnsignedInt(b.getShort());
      byte[] type = new byte[typeLength];
      b.get(type);
      int schema = b.getInt();
      int payloadLength = b.getInt();
      if (payloadLength < 0 || payloadLength > b.remaining() - 32) {
        throw new IllegalArgumentException(
            "payload length " + payloadLength + " overruns the body");
      }
      byte[] payload = new byte[payloadLength];
      b.get(payload);
      byte[] prev = new byte[32];
      b.get(prev);
      if (b.hasRemaining()) {
        throw new IllegalArgumentException(b.remaining() + " stray bytes after the body");
      }
      return new Body(
          version, seq, micros, new String(type, StandardCharsets.UTF_8), schema, payload, prev);
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("body ends early", e);
    }
  }

  /** SHA-256 of {@code 0x00 ‖ body}: the record hash and Merkle leaf hash. */
  static byte[] hash(byte[] body) {
    return MerkleHash.leaf(body);
  }

  /** {@link #hash(byte[])} of the body at {@code data[offset, offset + length)}. */
  static byte[] hash(byte[] data, int offset, int length) {
    return MerkleHash.leaf(data, offset, length);
  }

  /**
   * Checks the layout of the body at {@code data[offset, offset + length)} without copying it:
   * version, field lengths, and that the fields fill the body exactly.
   *
   * @return null when well formed, else what is wrong
   */
  static String layoutProblem(byte[] data, int offset, int length) {
    int fixed = 1 + 8 + 8 + 2;
    if (length < fixed + 4 + 4 + 32) {
      return "body of " + length + " bytes is too short";
    }
    int version = data[offset] & 0xff;
    if (version != VERSION) {
      return "unknown record format version " + version;
    }
    int typeLength = ((data[offset + 17] & 0xff) << 8) | (data[offset + 18] & 0xff);
    int at = fixed + typeLength + 4;
    if (at + 4 > length) {
      return "type length " + typeLength + " overruns the body";
    }
    long payloadLength = readInt(data, offset + at) & 0xffffffffL;
    if (at + 4 + payloadLength + 32 != length) {
      return "payload length " + payloadLength + " does not fill the body";
    }
    return null;
  }

  /**
   * What is wrong with the record in a frame read by {@link FrameReader} (body at {@link
   * FrameReader#BODY}), expected to be record {@code seq} linking to {@code prev}: its layout, the
   * sequence number it claims, its link (unless {@code prev} is null) and, when {@code rehash}, its
   * stored hash against the hash of its bytes. Null when nothing is.
   */
  static String problem(byte[] frame, int length, long seq, byte[] prev, boolean rehash) {
    int body = FrameReader.BODY;
    String layout = layoutProblem(frame, body, length);
    if (layout != null) {
      return "malformed record: " + layout;
    }
    long claimed = seq(frame, body);
    if (claimed != seq) {
      return "record claims sequence number " + claimed;
    }
    int prevAt = body + length - 32;
    if (prev != null && !Arrays.equals(prev, 0, 32, frame, prevAt, prevAt + 32)) {
      return "chain broken: previous hash "
          + HEX.formatHex(frame, prevAt, prevAt + 32)
          + " should be "
          + HEX.formatHex(prev);
    }
    int hashAt = body + length;
    if (rehash) {
      byte[] computed = hash(frame, body, length);
      if (!Arrays.equals(computed, 0, 32, frame, hashAt, hashAt + 32)) {
        return "stored hash "
            + HEX.formatHex(frame, hashAt, hashAt + 32)
            + " differs from the recomputed "
            + HEX.formatHex(computed);
      }
    }
    return null;
  }

  /** The sequence number of the body at {@code offset}. */
  static long seq(byte[] data, int offset) {
    return ((long) readInt(data, offset + 1) << 32) | (readInt(data, offset + 5) & 0xffffffffL);
  }

  private static int readInt(byte[] a, int at) {
    return ((a[at] & 0xff) << 24)
        | ((a[at + 1] & 0xff) << 16)
        | ((a[at + 2] & 0xff) << 8)
        | (a[at + 3] & 0xff);
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
