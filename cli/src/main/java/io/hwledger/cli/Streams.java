package io.hwledger.cli;

import io.hwledger.api.Printable;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Objects;

/**
 * Where a command reads and writes: data to {@code out}, errors, warnings and progress to {@code
 * err}, input (for {@code ledger append}) from {@code in}.
 *
 * @param out standard output
 * @param err standard error
 * @param unicode whether {@code out} can encode the block characters of usage bars
 * @param in standard input
 * @param terminal whether the process runs on a terminal ({@code System.console() != null}), so
 *     progress may be shown on {@code err}
 */
record Streams(
    PrintStream out, PrintStream err, boolean unicode, InputStream in, boolean terminal) {

  Streams {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    Objects.requireNonNull(in, "in");
  }

  /** Streams with empty standard input and no terminal. */
  Streams(PrintStream out, PrintStream err, boolean unicode) {
    this(out, err, unicode, InputStream.nullInputStream(), false);
  }

  /**
   * Prints a warning line, {@code hwledger: warning: <message>}, to standard error; names from
   * files in it are escaped ({@link Printable#escape}), as in errors.
   */
  void warn(String message) {
    err.println("hwledger: warning: " + Printable.escape(message));
  }
}
