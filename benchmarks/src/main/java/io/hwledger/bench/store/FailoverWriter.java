package io.hwledger.bench.store;

import io.hwledger.ledger.AppendResult;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.LedgerOptions;
import io.hwledger.ledger.postgres.PostgresLedgerStore;
import io.hwledger.ledger.postgres.PostgresSettings;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The writer {@link Failover} kills: a JVM of its own that opens the PostgreSQL ledger (role,
 * password and schema from {@code HWLEDGER_DB_*} in its environment, never its command line) and
 * appends from N threads until it is killed, printing {@code OPEN <size>} once and then {@code ACK
 * <seq> <hash hex>} for each acknowledged append, flushed line by line: a line on stdout is an
 * acknowledgement the harness holds the store to.
 *
 * <pre>
 * java -cp benchmarks.jar io.hwledger.bench.store.FailoverWriter JDBC_URL APPENDERS
 * </pre>
 */
public final class FailoverWriter {
  /** The first line: the ledger's size when the writer opened it. */
  static final String OPEN = "OPEN ";

  /** An acknowledged append: sequence number and record hash. */
  static final String ACK = "ACK ";

  /** Appends per thread at most; the harness kills the writer long before. */
  private static final long MAX_APPENDS = 10_000_000L;

  /** How long the writer runs at most when nobody kills it. */
  private static final long MAX_RUN_MILLIS = 600_000L;

  private FailoverWriter() {}

  /**
   * Opens the ledger and appends until killed, or for at most 10 minutes.
   *
   * @param args the JDBC URL (without a password) and the number of appender threads
   * @throws InterruptedException if interrupted while waiting for the appenders
   */
  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: FailoverWriter JDBC_URL APPENDERS");
      System.exit(2);
      return;
    }
    int appenders = Integer.parseInt(args[1]);
    PostgresSettings settings = PostgresSettings.fromEnvironment(args[0], System.getenv());
    try (PrintStream out =
            new PrintStream(
                new FileOutputStream(FileDescriptor.out), true, StandardCharsets.US_ASCII);
        PostgresLedgerStore store = PostgresLedgerStore.open(settings, LedgerOptions.defaults())) {
      out.println(OPEN + store.size());
      long deadline = System.nanoTime() + MAX_RUN_MILLIS * 1_000_000L;
      List<Thread> threads = new ArrayList<>();
      for (int a = 0; a < appenders; a++) {
        LedgerEvent[] ring = StoreEvents.ring(a);
        Thread t =
            new Thread(
                () -> {
                  for (long i = 0; i < MAX_APPENDS && System.nanoTime() - deadline < 0; i++) {
                    AppendResult r = store.append(ring[(int) (i & StoreEvents.MASK)]);
                    out.println(ACK + r.seq() + " " + r.hashHex());
                  }
                },
                "failover-writer-" + a);
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join(MAX_RUN_MILLIS + 60_000L);
      }
    }
  }
}
