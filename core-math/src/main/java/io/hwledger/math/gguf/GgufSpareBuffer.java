package io.hwledger.math.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one direct buffer kept between header reads by path, so that reading many headers does not
 * allocate native memory faster than the collector frees it; a read that finds none allocates its
 * own. Thread-safe: a buffer is handed to one read at a time.
 */
final class GgufSpareBuffer {
  /** Direct buffer size of a read by path: a few reads for a tokenizer of megabytes. */
  static final int BYTES = 1024 * 1024;

  private static final AtomicReference<ByteBuffer> SPARE = new AtomicReference<>();

  private GgufSpareBuffer() {}

  /**
   * A direct buffer of {@link #BYTES} bytes for one read: the spare when there is one, else a new
   * one; cleared and big-endian either way, as a fresh buffer is.
   */
  static ByteBuffer take() {
    ByteBuffer spare = SPARE.getAndSet(null);
    return spare != null
        ? spare.clear().order(ByteOrder.BIG_ENDIAN)
        : ByteBuffer.allocateDirect(BYTES);
  }

  /** Gives back a buffer from {@link #take} when its read is done. */
  static void give(ByteBuffer buffer) {
    SPARE.set(buffer);
  }
}
