package io.hwledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing of a ledger on disk. Each case copies a closed ledger of {@value
 * #RECORDS} records in two segments, mutates it, and checks the contract:
 *
 * <ul>
 *   <li><b>segment frames</b> (bit flips, bytes set to 0x00/0xff/0x7f/0x80, length fields set to 0,
 *       1, −1 or a large value, CRCs and hashes rewritten, chunks deleted, duplicated or inserted,
 *       truncation): {@code verify} is not ok and names the record holding the first changed byte;
 *       opening for writing either refuses with a {@link LedgerException} and changes no byte, or
 *       (damage it does not read, in an older segment, or bytes after the last acknowledged record)
 *       opens with the original root and cuts off nothing acknowledged; a read-only open either
 *       refuses or has the original root;
 *   <li><b>tree and head files</b> (the same mutations): a read-only open and opening for writing
 *       both have the original root, and after {@link Ledger#rebuildTree()} the ledger verifies.
 * </ul>
 *
 * Nothing else may happen: no other exception type, no hang (each case is small). The seed is
 * printed; {@code -Dhwledger.fuzz.seed=} replays a run and {@code -Dhwledger.fuzz.cases=} runs a
 * longer campaign (the build runs {@value #DEFAULT_CASES} cases per target).
 */
@Verifies({"FR-LEDGER-003", "FR-LEDGER-002"})
class LedgerFrameFuzzTest {
  private static final long SEED = Long.getLong("hwledger.fuzz.seed", System.nanoTime());
  private static final int DEFAULT_CASES = 300;
  private static final int CASES = Integer.getInteger("hwledger.fuzz.cases", DEFAULT_CASES);
  private static final int RECORDS = 24;
  private static final LedgerOptions OPTIONS =
      LedgerOptions.defaults()
          .withClock(Clock.fixed(Instant.parse("2026-12-05T12:00:00Z"), ZoneOffset.UTC))
          .withSegmentBytes(1024)
          .withDurability(Durability.OS_BUFFERED);

  @TempDir static Path shared;
  private static Path original;
  private static byte[] originalRoot;

  @TempDir Path tmp;

  @BeforeAll
  static void writeTheLedger() {
    System.out.println(
        "LedgerFrameFuzzTest seed: "
            + SEED
            + ", cases: "
            + CASES
            + " (rerun with -Dhwledger.fuzz.seed="
            + SEED
            + ")");
    original = shared.resolve("original");
    try (Ledger ledger = Ledger.open(original, OPTIONS)) {
      for (int i = 0; i < RECORDS; i++) {
        ledger.append(
            LedgerEvent.of("fuzz.event", 1, "{\"i\":" + i + ",\"pad\":\"" + "p".repeat(i) + "\"}"));
      }
      originalRoot = ledger.root();
    }
  }

  @Test
  void mutatedFramesAreReportedAtTheirRecordAndNeverCutOff() throws IOException {
    SplittableRandom random = new SplittableRandom(SEED);
    List<Path> segments = SegmentLog.list(original.resolve("segments"));
    assertThat(segments.size()).isGreaterThan(1);
    int mutated = 0;
    int opened = 0;
    for (int c = 0; c < CASES; c++) {
      Path copy = tmp.resolve("case-" + c);
      LedgerTest.copyTree(original, copy);
      Path segment =
          copy.resolve("segments")
              .resolve(segments.get(random.nextInt(segments.size())).getFileName().toString());
      byte[] before = Files.readAllBytes(segment);
      long firstSeq = SegmentLog.firstSeq(segment);
      long[] starts = LedgerTest.frameStarts(segment);
      byte[] after = mutate(before, starts, random);
      int first = firstDifference(before, after);
      if (first < 0) {
        continue; // the mutation happened to change nothing
      }
      mutated++;
      Files.write(segment, after);
      String what = "case " + c + " (seed " + SEED + "), " + segment.getFileName() + " at " + first;
      long expectedSeq = firstSeq + frameIndex(starts, before.length, first);

      Verification v = Ledger.verify(copy);
      assertThat(v.ok()).as(what).isFalse();
      assertThat(v.firstBadSeq()).as("%s: %s", what, v).hasValue(expectedSeq);

      try (Ledger writer = Ledger.open(copy, OPTIONS)) {
        assertThat(writer.size()).as(what).isEqualTo(RECORDS);
        assertThat(writer.root()).as(what).isEqualTo(originalRoot);
        // at most bytes after the acknowledged frames were moved aside
        byte[] now = Files.readAllBytes(segment);
        assertThat(now.length)
            .as(what)
            .isGreaterThanOrEqualTo(Math.min(before.length, after.length));
        assertThat(Arrays.equals(now, 0, now.length, after, 0, now.length)).as(what).isTrue();
        opened++;
      } catch (LedgerException refused) {
        assertThat(Files.readAllBytes(segment)).as(what).isEqualTo(after);
        assertThat(refused.getMessage()).as(what).doesNotContain("\n");
      }
      try (Ledger reader = Ledger.openReadOnly(copy)) {
        assertThat(reader.root()).as(what).isEqualTo(originalRoot);
      } catch (LedgerException refused) {
        assertThat(refused.getMessage()).as(what).doesNotContain("\n");
      }
    }
    System.out.println(
        "LedgerFrameFuzzTest: "
            + mutated
            + " mutated segment cases, "
            + opened
            + " opened for writing (damage beyond what opening reads), the rest refused");
    assertThat(mutated).isGreaterThan(CASES / 2);
  }

  @Test
  void mutatedTreeAndHeadFilesNeverChangeARoot() throws IOException {
    SplittableRandom random = new SplittableRandom(SEED ^ 0x5DEECE66DL);
    List<Path> derived = new ArrayList<>();
    try (Stream<Path> files = Files.list(original.resolve("tree"))) {
      files.forEach(derived::add);
    }
    derived.add(original.resolve("head"));
    derived.sort(null);
    for (int c = 0; c < CASES; c++) {
      Path copy = tmp.resolve("case-" + c);
      LedgerTest.copyTree(original, copy);
      Path target = copy.resolve(original.relativize(derived.get(random.nextInt(derived.size()))));
      byte[] before = Files.readAllBytes(target);
      Files.write(target, mutate(before, new long[] {0}, random));
      String what = "case " + c + " (seed " + SEED + "), " + copy.relativize(target);
      try (Ledger reader = Ledger.openReadOnly(copy)) {
        assertThat(reader.root()).as(what).isEqualTo(originalRoot);
        long seq = random.nextLong(RECORDS);
        InclusionProof p = reader.inclusionProof(seq, RECORDS);
        assertThat(
                MerkleTree.verifyInclusion(
                    reader.leafHash(seq), seq, RECORDS, p.path(), originalRoot))
            .as(what)
            .isTrue();
      }
      try (Ledger writer = Ledger.open(copy, OPTIONS)) {
        assertThat(writer.root()).as(what).isEqualTo(originalRoot);
        writer.rebuildTree();
      }
      Verification v = Ledger.verify(copy);
      assertThat(v.ok()).as("%s: %s", what, v).isTrue();
    }
  }

  /** One to three mutations, most of them aware of where frames and their fields lie. */
  private static byte[] mutate(byte[] in, long[] frameStarts, SplittableRandom random) {
    byte[] out = in;
    int count = 1 + random.nextInt(3);
    for (int m = 0; m < count && out.length > 0; m++) {
      int frame = (int) frameStarts[random.nextInt(frameStarts.length)];
      int at = random.nextInt(out.length);
      switch (random.nextInt(9)) {
        case 0 -> {
          out = out.clone();
          out[at] ^= (byte) (1 << random.nextInt(8));
        }
        case 1 -> {
          out = out.clone();
          byte[] interesting = {0, (byte) 0xff, 0x7f, (byte) 0x80};
          out[at] = interesting[random.nextInt(interesting.length)];
        }
        case 2 -> {
          if (frame + 4 <= out.length) {
            out = out.clone();
            int[] lengths = {0, 1, -1, Integer.MAX_VALUE, 1 << 24, 41};
            ByteBuffer.wrap(out, frame, 4).putInt(lengths[random.nextInt(lengths.length)]);
          }
        }
        case 3 -> out = Arrays.copyOf(out, random.nextInt(out.length)); // truncate
        case 4 -> { // delete a chunk
          int length = Math.min(1 + random.nextInt(64), out.length - at);
          byte[] shorter = new byte[out.length - length];
          System.arraycopy(out, 0, shorter, 0, at);
          System.arraycopy(out, at + length, shorter, at, out.length - at - length);
          out = shorter;
        }
        case 5 -> { // duplicate a chunk in place
          int length = Math.min(1 + random.nextInt(64), out.length - at);
          byte[] longer = new byte[out.length + length];
          System.arraycopy(out, 0, longer, 0, at + length);
          System.arraycopy(out, at, longer, at + length, out.length - at);
          out = longer;
        }
        case 6 -> { // insert random bytes
          byte[] noise = new byte[1 + random.nextInt(16)];
          random.nextBytes(noise);
          byte[] longer = new byte[out.length + noise.length];
          System.arraycopy(out, 0, longer, 0, at);
          System.arraycopy(noise, 0, longer, at, noise.length);
          System.arraycopy(out, at, longer, at + noise.length, out.length - at);
          out = longer;
        }
        case 7 -> { // overwrite a run with zeros (a torn page)
          out = out.clone();
          Arrays.fill(out, at, Math.min(out.length, at + 1 + random.nextInt(512)), (byte) 0);
        }
        default -> { // rewrite 4 bytes anywhere (a CRC, a sequence number, a hash word)
          if (at + 4 <= out.length) {
            out = out.clone();
            ByteBuffer.wrap(out, at, 4).putInt(random.nextInt());
          }
        }
      }
    }
    return out;
  }

  private static int firstDifference(byte[] a, byte[] b) {
    int n = Math.min(a.length, b.length);
    int i = Arrays.mismatch(a, b);
    return i < 0 ? -1 : Math.min(i, n);
  }

  /** The index of the frame holding byte {@code offset}; past the end, the next frame's. */
  private static int frameIndex(long[] starts, int length, int offset) {
    if (offset >= length) {
      return starts.length;
    }
    int index = 0;
    while (index + 1 < starts.length && starts[index + 1] <= offset) {
      index++;
    }
    return index;
  }
}
