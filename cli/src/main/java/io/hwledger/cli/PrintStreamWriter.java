package io.hwledger.cli;

import java.io.PrintStream;
import java.io.Writer;

/**
 * A {@link Writer} that prints to a {@link PrintStream} in the stream's own encoding, so picocli's
 * help text and our output share one encoder.
 */
final class PrintStreamWriter extends Writer {
  private final PrintStream stream;

  PrintStreamWriter(PrintStream stream) {
    this.stream = stream;
  }

  @Override
  public void write(char[] buffer, int offset, int length) {
    stream.print(new String(buffer, offset, length));
  }

  @Override
  public void flush() {
    stream.flush();
  }

  @Override
  public void close() {
    stream.flush();
  }
}
