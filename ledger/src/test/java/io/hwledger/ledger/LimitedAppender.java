package io.hwledger.ledger;

import java.nio.file.Path;

/**
 * The child process of {@link LedgerFileLimitTest}: appends a number of events with the default
 * options (64 MiB segments) and prints {@code appended N}.
 */
public final class LimitedAppender {
  private LimitedAppender() {}

  /** Arguments: ledger directory, event count. */
  public static void main(String[] args) {
    int count = Integer.parseInt(args[1]);
    try (Ledger ledger = Ledger.open(Path.of(args[0]))) {
      for (int i = 0; i < count; i++) {
        ledger.append(LedgerEvent.of("limited", 1, "{\"i\":" + i + "}"));
      }
      System.out.println("appended " + ledger.size());
    }
  }
}
