package io.hwledger.fleet.ssh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Collects a command's output up to a limit and drops the rest; the first byte past the limit runs
 * {@code onOverflow} once (which closes the channel for stdout). Never throws, so a flood cannot
 * fail the session's I/O. Written by one SSH I/O thread, read after the channel closed.
 */
final class BoundedSink extends OutputStream {
  private final int limit;
  private final Runnable onOverflow;
  private final ByteArrayOutputStream bytes;
  private boolean overflowed;

  BoundedSink(int limit, Runnable onOverflow) {
    this.limit = limit;
    this.onOverflow = onOverflow;
    this.bytes = new ByteArrayOutputStream(Math.min(limit, 8192));
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    boolean first;
    synchronized (this) {
      int room = limit - bytes.size();
      bytes.write(b, off, Math.max(0, Math.min(room, len)));
      first = len > room && !overflowed;
      overflowed |= len > room;
    }
    if (first) {
      onOverflow.run();
    }
  }

  /** Whether more than the limit arrived. */
  synchronized boolean overflowed() {
    return overflowed;
  }

  /** What arrived up to the limit, as UTF-8 (malformed bytes replaced). */
  synchronized String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
