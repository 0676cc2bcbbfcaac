package io.hwledger.fleet.agent;

import io.hwledger.fleet.protocol.JobStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a job's merged stdout and stderr go: the last {@link JobStatus#MAX_LOG_TAIL} characters in
 * memory (decoded as UTF-8, bad bytes replaced) and the bytes as printed to the job's log file, up
 * to a cap; past the cap one marker line is written and the rest is dropped, while the pipe is
 * still drained so the job never blocks on a full pipe.
 *
 * <p>One thread (the job's reader) calls {@link #accept} and {@link #close}; {@link #tail} may be
 * called from any thread.
 */
final class JobOutput {

  private static final Logger log = LoggerFactory.getLogger(JobOutput.class);

  private final String jobId;
  private final @Nullable OutputStream file;
  private final long capBytes;
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE);
  private final ByteBuffer pending = ByteBuffer.allocate(8192 + 8);
  private final CharBuffer chars = CharBuffer.allocate(8192 + 8);
  private final StringBuilder tail = new StringBuilder();
  private long written;
  private boolean fileFailed;

  JobOutput(String jobId, @Nullable OutputStream file, long capBytes) {
    this.jobId = jobId;
    this.file = file;
    this.capBytes = capBytes;
  }

  /** Takes the next bytes the job printed, at most 8192 at a time. */
  void accept(byte[] bytes, int length) {
    writeFile(bytes, length);
    pending.put(bytes, 0, length).flip();
    decoder.decode(pending, chars, false);
    pending.compact();
    appendChars();
  }

  private void appendChars() {
    chars.flip();
    synchronized (tail) {
      tail.append(chars);
      int max = JobStatus.MAX_LOG_TAIL;
      if (tail.length() > 2 * max) {
        tail.delete(0, tail.length() - max);
      }
    }
    chars.clear();
  }

  private void writeFile(byte[] bytes, int length) {
    if (file == null || fileFailed || written > capBytes) {
      return;
    }
    try {
      int fits = (int) Math.min(length, capBytes - written);
      file.write(bytes, 0, fits);
      written += fits;
      if (fits < length) {
        file.write(
            ("\n[hwledger: log capped at " + capBytes + " bytes; further output dropped]\n")
                .getBytes(StandardCharsets.UTF_8));
        written = capBytes + 1;
      }
    } catch (IOException e) {
      fileFailed = true;
      log.warn("job {}: log file write failed, the log stays in memory only: {}", jobId, e);
    }
  }

  /**
   * The last characters the job printed.
   *
   * @return at most {@link JobStatus#MAX_LOG_TAIL} characters, never starting inside a surrogate
   *     pair
   */
  String tail() {
    synchronized (tail) {
      int start = Math.max(0, tail.length() - JobStatus.MAX_LOG_TAIL);
      if (start > 0 && Character.isLowSurrogate(tail.charAt(start))) {
        start++;
      }
      return tail.substring(start);
    }
  }

  /** Decodes what is left and closes the log file. */
  void close() {
    pending.flip();
    decoder.decode(pending, chars, true);
    decoder.flush(chars);
    pending.clear();
    appendChars();
    if (file != null) {
      try {
        file.close();
      } catch (IOException e) {
        log.warn("job {}: closing the log file failed: {}", jobId, e.toString());
      }
    }
  }
}
