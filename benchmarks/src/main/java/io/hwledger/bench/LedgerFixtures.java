package io.hwledger.bench;

import io.hwledger.ledger.AppendResult;
import io.hwledger.ledger.Durability;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.LedgerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Inputs shared by the ledger benchmarks: realistic telemetry events, temporary ledger directories,
 * and a fast way to build a large ledger. Public for {@link #deleteTree}, which the store harness
 * ({@code io.hwledger.bench.store}) uses too.
 */
public final class LedgerFixtures {
  /** Events per ring; a power of two so the next index is a mask. */
  static final int RING = 64;

  /** Mask turning a counter into a ring index. */
  static final int MASK = RING - 1;

  /** The event type of the benchmarks' events. */
  static final String TYPE = "telemetry.sampled";

  /** Schema version of {@link #TYPE}. */
  static final int SCHEMA = 1;

  private LedgerFixtures() {}

  /**
   * The JSON of one telemetry sample from a GPU: device UUID, utilisation, memory, power, clocks
   * and temperature, about 150 bytes in canonical form. {@code i} varies the values.
   */
  static String telemetryJson(int i) {
    return String.format(
        Locale.ROOT,
        "{\"device\":\"GPU-3f9a1c2e-7b4d-4e8a-9c1f-%012x\",\"ecc\":%d,\"fanPct\":%d,"
            + "\"gpuUtilPct\":%d,\"memUsedMiB\":%d,\"powerW\":%d.5,\"smClockMHz\":%d,"
            + "\"tempC\":%d}",
        0x2d6b8e0a5c00L + (i & 7),
        i % 3 == 0 ? 1 : 0,
        30 + i % 70,
        i % 101,
        40_000 + (i * 7_919) % 40_000,
        150 + i % 550,
        1_200 + (i * 13) % 800,
        35 + i % 50);
  }

  /** {@link #RING} telemetry events with different values, canonicalised once. */
  static LedgerEvent[] eventRing(int seed) {
    LedgerEvent[] ring = new LedgerEvent[RING];
    for (int i = 0; i < RING; i++) {
      ring[i] = LedgerEvent.of(TYPE, SCHEMA, telemetryJson(seed * RING + i));
    }
    return ring;
  }

  /** A fresh, empty temporary directory for one trial. */
  static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Deletes {@code dir} and everything under it; does nothing when it is null or gone.
   *
   * @param dir the directory
   * @throws java.io.UncheckedIOException if something cannot be deleted
   */
  public static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
      for (Path p : all) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bytes of all regular files under {@code dir}. */
  static long bytesUnder(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      long total = 0;
      for (Path p : paths.filter(Files::isRegularFile).toList()) {
        total += Files.size(p);
      }
      return total;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The segment files of a ledger, in sequence order (their names sort by first record). */
  static List<Path> segments(Path ledgerDir) {
    try (Stream<Path> paths = Files.list(ledgerDir.resolve("segments"))) {
      return paths
          .filter(p -> Objects.toString(p.getFileName(), "").endsWith(".seg"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Builds a ledger of {@code events} telemetry events in {@code dir} quickly: OS-buffered
   * durability and large batches through {@link Ledger#appendAsync}, waiting for the last append of
   * each chunk so that memory stays bounded. The ledger is closed (and so forced) on return.
   */
  static void build(Path dir, int events) {
    LedgerEvent[] ring = eventRing(0);
    LedgerOptions options =
        LedgerOptions.defaults().withDurability(Durability.OS_BUFFERED).withMaxBatch(16_384);
    try (Ledger ledger = Ledger.open(dir, options)) {
      CompletableFuture<AppendResult> last = null;
      for (int i = 0; i < events; i++) {
        last = ledger.appendAsync(ring[i & MASK]);
        if ((i & 0xffff) == 0xffff) {
          last.join();
        }
      }
      if (last != null) {
        last.join();
      }
      if (ledger.size() != events) {
        throw new IllegalStateException(
            "built " + ledger.size() + " events instead of " + events + " in " + dir);
      }
    }
  }
}
