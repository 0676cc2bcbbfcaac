package io.hwledger.cli;

import io.hwledger.api.Printable;

/**
 * One line of progress on standard error, rewritten in place with a carriage return and erased by
 * {@link #clear()}; shown only when {@link Streams#terminal()}, so pipes and tests see nothing. Not
 * thread-safe.
 */
final class ProgressLine {
  /**
   * Longest line shown: it must not wrap on an 80-column terminal, as a carriage return cannot
   * rewrite a wrapped line.
   */
  static final int MAX_WIDTH = 79;

  private final Streams io;
  private int shown;

  ProgressLine(Streams io) {
    this.io = io;
  }

  /**
   * Replaces the line with {@code head} then {@code tail}, the tail shortened from its start to
   * keep the line within {@link #MAX_WIDTH} characters (the end of a path says more than its
   * start).
   */
  void show(String head, String tail) {
    if (!io.terminal()) {
      return;
    }
    // The tail is a path found on disk: it may hold anything a file name can.
    tail = Printable.escape(tail);
    int room = Math.max(3, MAX_WIDTH - head.length());
    String line =
        head + (tail.length() <= room ? tail : "..." + tail.substring(tail.length() - room + 3));
    // Pad over the rest of a longer previous line.
    String pad = " ".repeat(Math.max(0, shown - line.length()));
    io.err().print("\r" + line + pad);
    io.err().flush();
    shown = Math.max(shown, line.length());
  }

  /** Erases the line, if one was shown. */
  void clear() {
    if (shown > 0) {
      io.err().print("\r" + " ".repeat(shown) + "\r");
      io.err().flush();
      shown = 0;
    }
  }
}
