package io.hwledger.cli;

import java.io.PrintStream;
import java.util.Objects;

/**
 * Where a command writes: data to {@code out}, errors and warnings to {@code err}.
 *
 * @param out standard output
 * @param err standard error
 * @param unicode whether {@code out} can encode the block characters of usage bars
 */
record Streams(PrintStream out, PrintStream err, boolean unicode) {

  Streams {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
  }

  /** Prints a warning line, {@code hwledger: warning: <message>}, to standard error. */
  void warn(String message) {
    err.println("hwledger: warning: " + message);
  }
}
