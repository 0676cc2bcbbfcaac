package io.hwledger.ledger;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child process of {@link LedgerCrashTest}: appends events from several threads as fast as it
 * can and prints {@code ack SEQ HASH} for each append only after {@link Ledger#append} returned,
 * until it is killed.
 */
public final class CrashAppender {
  private CrashAppender() {}

  /** Arguments: ledger directory, thread count. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    Ledger ledger = Ledger.open(dir);
    out.println("ready " + ledger.size());
    out.flush();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread worker =
          new Thread(
              () -> {
                for (long i = 0; ; i++) {
                  AppendResult r =
                      ledger.append(
                          LedgerEvent.of(
                              "crash.test", 1, "{\"thread\":" + thread + ",\"i\":" + i + "}"));
                  synchronized (out) {
                    out.println("ack " + r.seq() + " " + r.hashHex());
                    out.flush();
                  }
                }
              });
      worker.start();
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
