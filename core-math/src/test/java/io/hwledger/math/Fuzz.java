package io.hwledger.math;

import io.hwledger.api.ModelConfigException;
import io.hwledger.api.Printable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The seeded mutation fuzzer every parser's fuzz test runs (GGUF, safetensors, config.json): takes
 * valid inputs, mutates them, and checks the oracle on each result.
 *
 * <p><b>Mutations</b>, one to four per case: bit flips; byte replacements with interesting values
 * (0, 0x7F, 0x80, 0xFF, ESC, UTF-8 lead bytes, JSON syntax, a random byte); integer fields of 4 or
 * 8 bytes set to 0, 1, -1, 2^31 − 1, 2^31, 2^32, 2^40, 2^63 − 1 or a random value, at a known field
 * offset of the seed or anywhere, in the seed's byte order; for text inputs, a run of digits
 * replaced by 0, -1, 2147483647, 2^63 and the like, and JSON tokens inserted; truncations;
 * extensions with zeros; deletions; duplications of chunks inserted elsewhere.
 *
 * <p><b>Oracle</b>: each input is read, or fails with {@link ModelConfigException} (or, from a step
 * that documents it, such as the planner, {@link IllegalArgumentException}: see {@link #planner})
 * whose message is one line without raw control, format or line-separator characters ({@link
 * Printable#needsEscape}). Any other exception or error (out of memory included) fails the case; so
 * does a case running longer than {@value #CASE_TIMEOUT_SECONDS} seconds. Failing inputs are saved
 * under {@code target/fuzz-failures/}.
 *
 * <p><b>Runs</b>: the seed is printed; {@code -Dhwledger.fuzz.seed=N} repeats a run and {@code
 * -Dhwledger.fuzz.cases=N} sets the cases per format (default: each test's own, a few thousand, so
 * {@code ./mvnw verify} stays fast). Case {@code i} of a run depends only on the seed, the target's
 * name and {@code i}.
 */
public final class Fuzz {
  /** The seed of this run. */
  public static final long SEED = Long.getLong("hwledger.fuzz.seed", System.nanoTime());

  /** Longest one case may run. */
  public static final int CASE_TIMEOUT_SECONDS = 10;

  private static final int MAX_REPORTED = 10;

  private static final byte[] INTERESTING_BYTES = {
    0x00,
    0x01,
    0x7F,
    (byte) 0x80,
    (byte) 0xFF,
    0x1B,
    (byte) 0xC3,
    (byte) 0xE2,
    (byte) 0xF0,
    ' ',
    '"',
    '\\',
    '{',
    '}',
    '[',
    ']',
    ':',
    ',',
    '-',
    '.',
    '0',
    '9',
    'e',
    'E',
    'n',
    't'
  };

  private static final long[] INTERESTING_LONGS = {
    0, 1, -1, Integer.MAX_VALUE, 1L << 31, 1L << 32, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE, 5, 13
  };

  private static final String[] INTERESTING_NUMBERS = {
    "0",
    "-1",
    "1",
    "2147483647",
    "2147483648",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
    "1e308",
    "1e999",
    "-0",
    "0.5",
    "NaN",
    "Infinity"
  };

  private static final String[] JSON_TOKENS = {
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "null",
    "true",
    "false",
    "{}",
    "[]",
    "\"\"",
    "\\u001b",
    "\\u202e",
    "\\ud800",
    "\u202e",
    "\u001b",
    "\"a\":",
    "[[[[",
    "]]]]",
    "\"__metadata__\":{}"
  };

  private Fuzz() {}

  /** Cases per format: {@code -Dhwledger.fuzz.cases}, else {@code defaultCases}. */
  public static int cases(int defaultCases) {
    return Integer.getInteger("hwledger.fuzz.cases", defaultCases);
  }

  /** Reads one mutated input; {@code random} lets it vary how (e.g. a known or unknown length). */
  @FunctionalInterface
  public interface Reader {
    void read(byte[] input, SplittableRandom random) throws Exception;
  }

  /**
   * A valid input to mutate.
   *
   * @param bytes the input
   * @param hot how many leading bytes are worth mutating (a header, not the data after it)
   * @param order the byte order of its binary integer fields
   * @param fields offsets of integer fields worth setting to extreme values (counts, lengths)
   * @param text whether it is JSON text, for the text mutations
   * @param reader how to read it
   */
  @SuppressWarnings("ArrayRecordComponent") // a fuzz input, mutated in place by design
  public record Seed(
      byte[] bytes, int hot, ByteOrder order, int[] fields, boolean text, Reader reader) {}

  /** What one run found. */
  public record Report(
      String target,
      int cases,
      long seed,
      long millis,
      int read,
      int refused,
      List<String> failures) {

    /** One line for the build log. */
    public String summary() {
      return String.format(
          Locale.ROOT,
          "fuzz %s: %d cases in %d ms, seed %d (rerun: -Dhwledger.fuzz.seed=%d"
              + " -Dhwledger.fuzz.cases=%d): %d read, %d refused, %d failed",
          target,
          cases,
          millis,
          seed,
          seed,
          cases,
          read,
          refused,
          failures.size());
    }
  }

  /**
   * A refusal by a step documented to throw {@link IllegalArgumentException}, such as the planner.
   */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(IllegalArgumentException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /**
   * Runs {@code step}, which documents {@link IllegalArgumentException} (the planner refusing a
   * model too large to count): such a refusal counts as one, under the same one-line rule. Readers
   * themselves must throw {@link ModelConfigException}.
   */
  public static void planner(Runnable step) throws Refused {
    try {
      step.run();
    } catch (ModelConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new Refused(e);
    }
  }

  /** Runs {@code cases} mutated inputs of {@code seeds} through their readers. */
  public static Report run(String target, List<Seed> seeds, int cases) {
    return run(target, seeds, cases, CASE_TIMEOUT_SECONDS);
  }

  /** As {@link #run(String, List, int)}, failing a case that runs over {@code timeoutSeconds}. */
  static Report run(String target, List<Seed> seeds, int cases, int timeoutSeconds) {
    SplittableRandom root = new SplittableRandom(SEED ^ target.hashCode());
    ExecutorService worker = worker(target);
    List<String> failures = new ArrayList<>();
    int read = 0;
    int refused = 0;
    long start = System.nanoTime();
    try {
      for (int i = 0; i < cases && failures.size() < MAX_REPORTED; i++) {
        long caseSeed = root.nextLong();
        SplittableRandom r = new SplittableRandom(caseSeed);
        Seed seed = seeds.get(r.nextInt(seeds.size()));
        byte[] input = mutate(seed, r);
        Future<Throwable> outcome =
            worker.submit(
                () -> {
                  try {
                    seed.reader().read(input, r);
                    return null;
                  } catch (Throwable t) {
                    return t;
                  }
                });
        String problem;
        Throwable thrown = null;
        try {
          thrown = outcome.get(timeoutSeconds, TimeUnit.SECONDS);
          problem = judge(thrown);
        } catch (TimeoutException e) {
          problem = "ran longer than " + timeoutSeconds + " s";
          outcome.cancel(true);
          // The stuck daemon thread is abandoned; later cases get a fresh one.
          worker.shutdownNow();
          worker = worker(target);
        } catch (ExecutionException | InterruptedException e) {
          problem = "could not run: " + e;
        }
        if (problem == null) {
          if (thrown == null) {
            read++;
          } else {
            refused++;
          }
          continue;
        }
        failures.add(
            "case " + i + " (case seed " + caseSeed + "): " + problem + save(target, i, input));
      }
    } finally {
      worker.shutdownNow();
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    int ran = read + refused + failures.size();
    Report report = new Report(target, ran, SEED, millis, read, refused, List.copyOf(failures));
    System.out.println(report.summary());
    for (String f : failures) {
      System.out.println("  " + f);
    }
    return report;
  }

  private static ExecutorService worker(String target) {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "fuzz-" + target);
          t.setDaemon(true);
          return t;
        });
  }

  /** Why {@code thrown} breaks the oracle, or null when it keeps it. */
  static String judge(Throwable thrown) {
    if (thrown == null) {
      return null;
    }
    if (!(thrown instanceof ModelConfigException || thrown instanceof Refused)) {
      return "threw " + stack(thrown);
    }
    String message = thrown.getMessage();
    if (message == null || message.isBlank()) {
      return "threw " + thrown.getClass().getName() + " without a message";
    }
    if (message.codePoints().anyMatch(Printable::needsEscape)) {
      return "message is not one printable line: " + Printable.escape(message);
    }
    return null;
  }

  private static String stack(Throwable t) {
    StringBuilder s = new StringBuilder(t.toString());
    StackTraceElement[] trace = t.getStackTrace();
    for (int i = 0; i < Math.min(6, trace.length); i++) {
      s.append(" at ").append(trace[i]);
    }
    return Printable.escape(s.toString());
  }

  private static String save(String target, int index, byte[] input) {
    try {
      Path dir = Files.createDirectories(Path.of("target", "fuzz-failures"));
      Path file = dir.resolve(target + "-" + SEED + "-" + index + ".bin");
      Files.write(file, input);
      return " (input saved to " + file + ")";
    } catch (IOException e) {
      return " (input not saved: " + e + ")";
    }
  }

  /** {@code seed}'s bytes with one to four mutations applied. */
  static byte[] mutate(Seed seed, SplittableRandom r) {
    byte[] b = seed.bytes().clone();
    int mutations = 1 + r.nextInt(4);
    for (int m = 0; m < mutations; m++) {
      int hot = Math.max(1, Math.min(b.length, seed.hot()));
      int kinds = seed.text() ? 10 : 8;
      switch (r.nextInt(kinds)) {
        case 0:
          if (b.length > 0) {
            int at = r.nextInt(hot);
            b[at] ^= (byte) (1 << r.nextInt(8));
          }
          break;
        case 1:
          if (b.length > 0) {
            b[r.nextInt(hot)] =
                r.nextInt(4) == 0
                    ? (byte) r.nextInt(256)
                    : INTERESTING_BYTES[r.nextInt(INTERESTING_BYTES.length)];
          }
          break;
        case 2:
        case 3:
          integerField(seed, b, r, hot);
          break;
        case 4:
          b = Arrays.copyOf(b, r.nextInt(b.length + 1));
          break;
        case 5:
          b = Arrays.copyOf(b, b.length + 1 + r.nextInt(64));
          break;
        case 6:
          b = cut(b, r, hot);
          break;
        case 7:
          b = duplicate(b, r, hot);
          break;
        case 8:
          b = replaceNumber(b, r);
          break;
        default:
          b =
              insert(
                  b,
                  r.nextInt(Math.min(b.length, hot) + 1),
                  JSON_TOKENS[r.nextInt(JSON_TOKENS.length)].getBytes(StandardCharsets.UTF_8));
      }
    }
    return b;
  }

  private static void integerField(Seed seed, byte[] b, SplittableRandom r, int hot) {
    int width = r.nextBoolean() ? 4 : 8;
    int at =
        seed.fields().length > 0 && r.nextBoolean()
            ? seed.fields()[r.nextInt(seed.fields().length)]
            : r.nextInt(hot);
    if (at + width > b.length) {
      return;
    }
    long value =
        r.nextInt(5) == 0 ? r.nextLong() : INTERESTING_LONGS[r.nextInt(INTERESTING_LONGS.length)];
    ByteBuffer buffer = ByteBuffer.wrap(b).order(seed.order());
    if (width == 4) {
      buffer.putInt(at, (int) value);
    } else {
      buffer.putLong(at, value);
    }
  }

  private static byte[] cut(byte[] b, SplittableRandom r, int hot) {
    if (b.length == 0) {
      return b;
    }
    int from = r.nextInt(Math.min(b.length, hot));
    int length = 1 + r.nextInt(Math.min(64, b.length - from));
    byte[] out = new byte[b.length - length];
    System.arraycopy(b, 0, out, 0, from);
    System.arraycopy(b, from + length, out, from, b.length - from - length);
    return out;
  }

  private static byte[] duplicate(byte[] b, SplittableRandom r, int hot) {
    if (b.length == 0) {
      return b;
    }
    int from = r.nextInt(Math.min(b.length, hot));
    int length = 1 + r.nextInt(Math.min(256, b.length - from));
    return insert(
        b, r.nextInt(Math.min(b.length, hot) + 1), Arrays.copyOfRange(b, from, from + length));
  }

  /** A run of ASCII digits, with an optional minus sign, replaced by an interesting number. */
  private static byte[] replaceNumber(byte[] b, SplittableRandom r) {
    List<int[]> runs = new ArrayList<>();
    for (int i = 0; i < b.length; i++) {
      if (b[i] >= '0' && b[i] <= '9') {
        int start = i > 0 && b[i - 1] == '-' ? i - 1 : i;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
          i++;
        }
        runs.add(new int[] {start, i});
      }
    }
    if (runs.isEmpty()) {
      return b;
    }
    int[] run = runs.get(r.nextInt(runs.size()));
    byte[] number =
        INTERESTING_NUMBERS[r.nextInt(INTERESTING_NUMBERS.length)].getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[b.length - (run[1] - run[0]) + number.length];
    System.arraycopy(b, 0, out, 0, run[0]);
    System.arraycopy(number, 0, out, run[0], number.length);
    System.arraycopy(b, run[1], out, run[0] + number.length, b.length - run[1]);
    return out;
  }

  private static byte[] insert(byte[] a, int at, byte[] chunk) {
    byte[] out = new byte[a.length + chunk.length];
    System.arraycopy(a, 0, out, 0, at);
    System.arraycopy(chunk, 0, out, at, chunk.length);
    System.arraycopy(a, at, out, at + chunk.length, a.length - at);
    return out;
  }
}
