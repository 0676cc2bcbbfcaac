package io.hwledger.ledger;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the frames of one segment file in order, checking each frame's length and CRC. The frame it
 * returns is a view of the reader's buffer, valid until the next call; {@link Frame#body()} and
 * {@link Frame#hash()} copy out what a caller keeps.
 */
final class FrameReader implements Closeable {

  /** What reading the next frame found. */
  enum Status {
    /** A complete frame whose CRC matches. */
    OK,
    /** The file ends inside the frame. */
    INCOMPLETE,
    /** The length field is impossible (zero or above the limit). */
    BAD_LENGTH,
    /** The frame is complete but its CRC does not match. */
    BAD_CHECKSUM
  }

  /** One frame read into {@code buffer}: length field at 0, body at 4, hash after the body. */
  static final class Frame {
    private final long offset;
    private final int length;
    private final Status status;
    private final byte[] buffer;

    Frame(long offset, int length, Status status, byte[] buffer) {
      this.offset = offset;
      this.length = length;
      this.status = status;
      this.buffer = buffer;
    }

    long offset() {
      return offset;
    }

    /** Body length from the length field (meaningless when {@link Status#BAD_LENGTH}). */
    int length() {
      return length;
    }

    Status status() {
      return status;
    }

    long end() {
      return offset + RecordCodec.FRAME_OVERHEAD + length;
    }

    /** The reader's buffer; the body starts at {@link #BODY}. Valid until the next read. */
    byte[] buffer() {
      return buffer;
    }

    /** A copy of the body; only for complete frames. */
    byte[] body() {
      return Arrays.copyOfRange(buffer, BODY, BODY + length);
    }

    /** A copy of the stored hash; only for complete frames. */
    byte[] hash() {
      return Arrays.copyOfRange(buffer, BODY + length, BODY + length + 32);
    }
  }

  /** Offset of the body in a frame. */
  static final int BODY = 4;

  private final InputStream in;
  private byte[] buffer = new byte[4096];
  private long offset;

  FrameReader(Path segment, long startOffset) throws IOException {
    InputStream raw = Files.newInputStream(segment);
    try {
      raw.skipNBytes(startOffset);
    } catch (EOFException e) {
      raw.close();
      throw new IOException(segment + " is shorter than offset " + startOffset, e);
    }
    this.in = new BufferedInputStream(raw, 1 << 16);
    this.offset = startOffset;
  }

  /** Byte offset of the next frame. */
  long offset() {
    return offset;
  }

  /**
   * Reads the next frame, or returns null at a clean end of file: the file's end, or a zero length
   * field followed only by zeros (space {@link SegmentLog} allocated ahead of its writes). After a
   * frame that is not {@link Status#OK} the reader's position is undefined; stop reading.
   */
  Frame next() throws IOException {
    long start = offset;
    int got = in.readNBytes(buffer, 0, 4);
    if (got == 0) {
      return null;
    }
    if (got < 4) {
      return new Frame(start, -1, Status.INCOMPLETE, buffer);
    }
    int length =
        ((buffer[0] & 0xff) << 24)
            | ((buffer[1] & 0xff) << 16)
            | ((buffer[2] & 0xff) << 8)
            | (buffer[3] & 0xff);
    if (length == 0 && restIsZero()) {
      return null; // the zero-filled space a writer allocates ahead of its frames
    }
    if (length <= 0 || length > RecordCodec.MAX_BODY) {
      return new Frame(start, length, Status.BAD_LENGTH, buffer);
    }
    int total = RecordCodec.FRAME_OVERHEAD + length;
    if (buffer.length < total) {
      buffer = Arrays.copyOf(buffer, Math.max(total, buffer.length * 2));
    }
    int rest = total - 4;
    if (in.readNBytes(buffer, 4, rest) < rest) {
      return new Frame(start, length, Status.INCOMPLETE, buffer);
    }
    offset = start + total;
    int stored =
        ((buffer[total - 4] & 0xff) << 24)
            | ((buffer[total - 3] & 0xff) << 16)
            | ((buffer[total - 2] & 0xff) << 8)
            | (buffer[total - 1] & 0xff);
    Status status =
        RecordCodec.crc(buffer, 0, total - 4) == stored ? Status.OK : Status.BAD_CHECKSUM;
    return new Frame(start, length, status, buffer);
  }

  /** Whether every byte left in the file is zero; consumes them. */
  private boolean restIsZero() throws IOException {
    byte[] chunk = new byte[1 << 16];
    int got;
    while ((got = in.read(chunk)) > 0) {
      for (int i = 0; i < got; i++) {
        if (chunk[i] != 0) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
