package io.hwledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that appends acknowledged events with SIGKILL, again and again, and checks
 * after each kill that every acknowledged event is in the reopened ledger with its hash, and that
 * the whole ledger verifies.
 */
@Verifies("FR-LEDGER-002")
class LedgerCrashTest {
  private static final long SEED = Long.getLong("hwledger.seed", System.nanoTime());
  private static final int ROUNDS = 12;

  @TempDir Path tmp;

  @Test
  void noAcknowledgedEventIsLostUnderSigkill() throws Exception {
    System.out.println(
        "LedgerCrashTest seed: " + SEED + " (rerun with -Dhwledger.seed=" + SEED + ")");
    SplittableRandom random = new SplittableRandom(SEED);
    Path dir = tmp.resolve("ledger");
    Map<Long, String> acknowledged = new ConcurrentHashMap<>();
    long totalKills = 0;
    for (int round = 0; round < ROUNDS; round++) {
      Process child = start(dir, 1 + random.nextInt(4));
      BufferedReader lines =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String ready = lines.readLine();
      assertThat(ready).as("child output").startsWith("ready ");
      if (round == 0) {
        // while the child writes, this process cannot open the ledger for writing
        assertThatThrownBy(() -> Ledger.open(dir))
            .isInstanceOf(LedgerException.class)
            .hasMessageContaining("in use by another writer");
      }
      int acksBefore = acknowledged.size();
      Thread reader =
          new Thread(
              () -> {
                try {
                  String line;
                  while ((line = lines.readLine()) != null) {
                    String[] parts = line.split(" ", -1);
                    if (parts.length == 3 && parts[0].equals("ack")) {
                      acknowledged.put(Long.parseLong(parts[1]), parts[2]);
                    }
                  }
                } catch (java.io.IOException e) {
                  // the pipe closes when the child dies
                }
              });
      reader.start();
      // let this child acknowledge something, then kill it at a random moment of its appends
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (acknowledged.size() <= acksBefore && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      Thread.sleep(random.nextInt(300));
      child.destroyForcibly(); // SIGKILL on POSIX
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
      totalKills++;
      assertThat(acknowledged.size())
          .as("round %d acknowledged something", round)
          .isGreaterThan(acksBefore);
      try (Ledger ledger = Ledger.open(dir)) {
        for (Map.Entry<Long, String> ack : acknowledged.entrySet()) {
          assertThat(ack.getKey()).as("acknowledged seq").isLessThan(ledger.size());
          assertThat(HexFormat.of().formatHex(ledger.leafHash(ack.getKey())))
              .as("hash of acknowledged seq %d", ack.getKey())
              .isEqualTo(ack.getValue());
        }
      }
    }
    Verification v = Ledger.verify(dir);
    assertThat(v.ok()).as(v.toString()).isTrue();
    assertThat(totalKills).isEqualTo(ROUNDS);
  }

  private static Process start(Path dir, int threads) throws java.io.IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CrashAppender.class.getName());
    command.add(dir.toString());
    command.add(Integer.toString(threads));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }
}
