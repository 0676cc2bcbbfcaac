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

  /**
   * A command starting with {@code words} (the program and its fixed arguments).
   *
   * @param request the plan the command starts
   * @param words the first words, e.g. {@code vllm}, {@code serve} and the model
   * @return a new builder
   */
  public static LaunchArgs of(LaunchRequest request, String... words) {
    LaunchArgs a = new LaunchArgs(request);
    a.args.addAll(List.of(words));
    return a;
  }

  /**
   * Appends words as they are.
   *
   * @param words flags or values, none null
   * @return this builder
   */
  public LaunchArgs add(String... words) {
    args.addAll(List.of(words));
    return this;
  }

  /**
   * Appends {@code flag} and the decimal {@code value}.
   *
   * @param flag the option, e.g. {@code --max-model-len}
   * @param value its value
   * @return this builder
   */
  public LaunchArgs add(String flag, long value) {
    args.add(flag);
    args.add(Long.toString(value));
    return this;
  }

  /**
   * Appends {@code flag} and {@code value} as {@link #decimal} writes it.
   *
   * @param flag the option, e.g. {@code --gpu-memory-utilization}
   * @param value its value
   * @return this builder
   */
  public LaunchArgs add(String flag, double value) {
    args.add(flag);
    args.add(decimal(value));
    return this;
  }

  /**
   * Appends the tensor- and pipeline-parallel flags for degrees above 1.
   *
   * @param tensorParallelFlag the engine's TP option, e.g. {@code --tensor-parallel-size}
   * @param pipelineParallelFlag the engine's PP option
   * @return this builder
   */
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
   * @param engine the engine's name, for messages
   * @param flag the engine's cache-format option, e.g. {@code --kv-cache-dtype}
   * @param accepted the engine's name for each format its flag accepts, by {@link DType#name()}
   * @return this builder
   * @throws IllegalArgumentException when K and V differ, or {@code flag} does not accept the
   *     format
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
   * @param engine the engine's name, for the message
   * @return the format's {@link DType#name()}, e.g. {@code fp8_e4m3}
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
   * @param engine the engine's name, for the message
   * @return this builder
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
   * @param format a {@link DType#name()}
   * @param accepted the engine's name for each format it accepts, by {@link DType#name()}
   * @param flag the option, for the message
   * @return the engine's spelling of {@code format}
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

  /**
   * {@code value} rounded to at most three decimals, trailing zeros dropped.
   *
   * @param value the number
   * @return e.g. {@code 0.9}, {@code 1}, {@code 0.875}
   */
  public static String decimal(double value) {
    String text = String.format(Locale.ROOT, "%.3f", value);
    return text.replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  /**
   * The command.
   *
   * @return an unmodifiable copy, one argument per element
   */
  public List<String> build() {
    return List.copyOf(args);
  }
}
