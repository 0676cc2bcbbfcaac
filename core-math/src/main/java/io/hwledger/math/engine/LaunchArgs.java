package io.hwledger.math.engine;

import io.hwledger.api.DType;
import io.hwledger.api.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Builds an engine's command line from a {@link LaunchRequest}, with the checks most engines share:
 * one format for K and V, a format the engine's flag accepts, weights the engine can load. Refusals
 * are {@link IllegalArgumentException}s naming the engine and what it cannot do. Not thread-safe;
 * one per command.
 */
public final class LaunchArgs {
  private final LaunchRequest request;
  private final List<String> args = new ArrayList<>();

  private LaunchArgs(LaunchRequest request) {
    this.request = request;
  }

  /** A command starting with {@code words} (the program and its fixed arguments). */
  public static LaunchArgs of(LaunchRequest request, String... words) {
    LaunchArgs a = new LaunchArgs(request);
    a.args.addAll(List.of(words));
    return a;
  }

  /** Appends words as they are. */
  public LaunchArgs add(String... words) {
    args.addAll(List.of(words));
    return this;
  }

  /** Appends {@code flag} and the decimal {@code value}. */
  public LaunchArgs add(String flag, long value) {
    args.add(flag);
    args.add(Long.toString(value));
    return this;
  }

  /** Appends {@code flag} and {@code value} with at most three decimals, trailing zeros dropped. */
  public LaunchArgs add(String flag, double value) {
    args.add(flag);
    args.add(decimal(value));
    return this;
  }

  /** Appends the tensor- and pipeline-parallel flags for degrees above 1. */
  public LaunchArgs parallelism(String tensorParallelFlag, String pipelineParallelFlag) {
    if (request.deployment().tensorParallel() > 1) {
      add(tensorParallelFlag, request.deployment().tensorParallel());
    }
    if (request.deployment().pipelineParallel() > 1) {
      add(pipelineParallelFlag, request.deployment().pipelineParallel());
    }
    return this;
  }

  /**
   * Appends {@code flag} with the engine's name for the plan's one K and V format, unless it is the
   * model's default format.
   *
   * @param accepted the engine's name for each format its flag accepts, by {@link DType#name()}
   */
  public LaunchArgs cacheFormat(String engine, String flag, Map<String, String> accepted) {
    String cache = oneCacheFormat(engine);
    if (!cache.equals(request.defaultCacheFormat())) {
      args.add(flag);
      args.add(named(cache, accepted, engine + " " + flag));
    }
    return this;
  }

  /**
   * The plan's one format for both K and V.
   *
   * @throws IllegalArgumentException when K and V differ: {@code engine} stores them in one format
   */
  public String oneCacheFormat(String engine) {
    Precision p = request.precision();
    if (!p.keyCache().equals(p.valueCache())) {
      throw new IllegalArgumentException(
          engine
              + " stores K and V in one format; the plan has "
              + p.keyCache().name()
              + " and "
              + p.valueCache().name());
    }
    return p.keyCache().name();
  }

  /**
   * Appends {@code --quantization fp8} when the plan has fp8 weights for a checkpoint stored in 16
   * bits (the engine's online fp8); nothing when the weights are the checkpoint's own.
   *
   * @throws IllegalArgumentException for any other change of weight format
   */
  public LaunchArgs onlineFp8(String engine) {
    DType planned = request.precision().weights();
    DType stored = request.model().defaultPrecision().weights();
    if (planned.equals(stored)) {
      return this;
    }
    if (planned.equals(DType.FP8_E4M3) && !stored.isQuantized()) {
      return add("--quantization", "fp8");
    }
    throw new IllegalArgumentException(
        engine
            + " cannot turn "
            + stored.name()
            + " weights into "
            + planned.name()
            + " when loading; use a checkpoint stored in "
            + planned.name()
            + " (or --weights fp8 for online fp8)");
  }

  /**
   * The engine's name for {@code format}.
   *
   * @throws IllegalArgumentException naming the accepted values when {@code flag} does not take it
   */
  public static String named(String format, Map<String, String> accepted, String flag) {
    String value = accepted.get(format);
    if (value == null) {
      throw new IllegalArgumentException(
          flag
              + " does not accept "
              + format
              + " (accepted: "
              + String.join(", ", new TreeSet<>(accepted.values()))
              + ")");
    }
    return value;
  }

  /** {@code value} with at most three decimals, trailing zeros dropped: {@code 0.9}, {@code 1}. */
  public static String decimal(double value) {
    String text = String.format(Locale.ROOT, "%.3f", value);
    return text.replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  /** The command, one argument per element. */
  public List<String> build() {
    return List.copyOf(args);
  }
}
