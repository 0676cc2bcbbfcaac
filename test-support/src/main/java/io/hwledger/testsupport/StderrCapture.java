package io.hwledger.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what is written to {@code System.err} while it is open, and still passes it on: the
 * simple SLF4J binding that tests use logs there, so a test can read what was logged. Close it to
 * put the previous stream back. Thread-safe; captures every thread's output, so open it only around
 * the part of a test whose log lines it reads.
 */
public final class StderrCapture implements AutoCloseable {
  private final PrintStream previous;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  private StderrCapture() {
    this.previous = System.err;
  }

  /**
   * Starts capturing.
   *
   * @return the capture; close it to stop
   */
  public static StderrCapture start() {
    StderrCapture c = new StderrCapture();
    OutputStream tee =
        new OutputStream() {
          @Override
          public void write(int b) {
            synchronized (c.captured) {
              c.captured.write(b);
            }
            c.previous.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            synchronized (c.captured) {
              c.captured.write(b, off, len);
            }
            c.previous.write(b, off, len);
          }

          @Override
          public void flush() {
            c.previous.flush();
          }
        };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    return c;
  }

  /**
   * What was written so far, decoded as UTF-8.
   *
   * @return the text
   */
  public String text() {
    synchronized (captured) {
      return captured.toString(StandardCharsets.UTF_8);
    }
  }

  /** Puts the previous {@code System.err} back. */
  @Override
  public void close() {
    System.err.flush();
    System.setErr(previous);
  }
}
