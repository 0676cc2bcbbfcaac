package io.hwledger.cli;

import io.hwledger.api.DType;
import io.hwledger.api.EngineProfile;
import io.hwledger.api.LlamaCppEngine;
import io.hwledger.api.MlxEngine;
import io.hwledger.api.Precision;
import io.hwledger.api.Printable;
import io.hwledger.api.SglangEngine;
import io.hwledger.api.TensorRtLlmEngine;
import io.hwledger.api.VllmEngine;
import io.hwledger.math.EngineDefaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The command line that starts an engine with a plan's model, context, parallelism, cache format
 * and memory settings, using only flags and values the engine accepts:
 *
 * <ul>
 *   <li>vLLM ({@code vllm serve}, v0.11+): {@code --kv-cache-dtype} auto, bfloat16, float16,
 *       fp8_e4m3 or fp8_e5m2; fp8 weights from a 16-bit checkpoint with {@code --quantization fp8}.
 *   <li>llama.cpp ({@code llama-server}): a GGUF file; {@code -ctk}/{@code -ctv} f32, f16, bf16,
 *       q8_0, q4_0, q4_1, iq4_nl, q5_0 or q5_1; {@code -fa on} whenever the V cache is quantised,
 *       which llama.cpp requires.
 *   <li>SGLang ({@code python3 -m sglang.launch_server}): {@code --kv-cache-dtype} auto, bf16,
 *       fp8_e4m3 or fp8_e5m2.
 *   <li>TensorRT-LLM ({@code trtllm-serve}): its memory fraction and batch limits.
 *   <li>MLX: {@code mlx_lm.server}, which has no cache options; with {@code --max-kv-size} or
 *       {@code --kv-bits}, {@code mlx_lm.generate}, which has them.
 * </ul>
 */
final class EngineLaunch {
  private static final Map<String, String> LLAMA_CPP_CACHE =
      Map.of(
          "fp32", "f32", "fp16", "f16", "bf16", "bf16", "q8_0", "q8_0", "q4_0", "q4_0", "q4_1",
          "q4_1", "iq4_nl", "iq4_nl", "q5_0", "q5_0", "q5_1", "q5_1");

  /** Characters a POSIX shell takes literally in an unquoted word. */
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private EngineLaunch() {}

  /**
   * The command for the request's engine.
   *
   * @throws IllegalArgumentException naming what the engine cannot do: the generic engine, a cache
   *     or weight format it does not accept, llama.cpp without a GGUF file
   */
  static List<String> command(PlanOptions.Request r) {
    EngineProfile profile = r.deployment().engine().profile();
    switch (profile) {
      case VLLM:
        return vllm(r, (VllmEngine) r.deployment().engine());
      case LLAMA_CPP:
        return llamaCpp(r, (LlamaCppEngine) r.deployment().engine());
      case SGLANG:
        return sglang(r, (SglangEngine) r.deployment().engine());
      case TENSORRT_LLM:
        return trtllm(r, (TensorRtLlmEngine) r.deployment().engine());
      case MLX:
        return mlx(r, (MlxEngine) r.deployment().engine());
      case GENERIC:
      default:
        throw new IllegalArgumentException(
            "export needs --engine vllm, llamacpp, sglang, trtllm or mlx");
    }
  }

  private static List<String> vllm(PlanOptions.Request r, VllmEngine e) {
    List<String> args = new ArrayList<>(List.of("vllm", "serve", modelArgument(r)));
    add(args, "--max-model-len", r.workload().contextTokens());
    add(args, "--max-num-seqs", r.workload().sequences());
    parallelism(args, r, "--tensor-parallel-size", "--pipeline-parallel-size");
    args.add("--gpu-memory-utilization");
    args.add(decimal(e.gpuMemoryUtilization()));
    if (e.blockSize() != VllmEngine.defaults().blockSize()) {
      add(args, "--block-size", e.blockSize());
    }
    add(args, "--max-num-batched-tokens", e.maxNumBatchedTokens());
    String cache = oneCacheFormat(r, "vllm");
    if (!cache.equals(defaultCache(r))) {
      args.add("--kv-cache-dtype");
      args.add(
          named(
              cache,
              Map.of(
                  "bf16",
                  "bfloat16",
                  "fp16",
                  "float16",
                  "fp8_e4m3",
                  "fp8_e4m3",
                  "fp8_e5m2",
                  "fp8_e5m2"),
              "vllm --kv-cache-dtype"));
    }
    onlineFp8(args, r, "vllm");
    return args;
  }

  private static List<String> sglang(PlanOptions.Request r, SglangEngine e) {
    List<String> args =
        new ArrayList<>(List.of("python3", "-m", "sglang.launch_server", "--model-path"));
    args.add(modelArgument(r));
    add(args, "--context-length", r.workload().contextTokens());
    add(args, "--max-running-requests", r.workload().sequences());
    parallelism(args, r, "--tp-size", "--pp-size");
    Optional<Double> fraction =
        e.memFractionStatic().isPresent()
            ? Optional.of(e.memFractionStatic().getAsDouble())
            : r.deployment().memoryPerGpuBytes().stream()
                .mapToObj(
                    bytes ->
                        EngineDefaults.sglangMemFractionStatic(
                            bytes,
                            r.deployment().tensorParallel(),
                            r.deployment().pipelineParallel()))
                .findFirst();
    fraction.ifPresent(
        f -> {
          args.add("--mem-fraction-static");
          args.add(decimal(f));
        });
    e.chunkedPrefillSize().ifPresent(n -> add(args, "--chunked-prefill-size", n));
    String cache = oneCacheFormat(r, "sglang");
    if (!cache.equals(defaultCache(r))) {
      args.add("--kv-cache-dtype");
      args.add(
          named(
              cache,
              Map.of("bf16", "bf16", "fp8_e4m3", "fp8_e4m3", "fp8_e5m2", "fp8_e5m2"),
              "sglang --kv-cache-dtype"));
    }
    onlineFp8(args, r, "sglang");
    return args;
  }

  private static List<String> trtllm(PlanOptions.Request r, TensorRtLlmEngine e) {
    List<String> args = new ArrayList<>(List.of("trtllm-serve", modelArgument(r)));
    add(args, "--max_seq_len", r.workload().contextTokens());
    add(args, "--max_batch_size", r.workload().sequences());
    add(args, "--max_num_tokens", e.maxNumTokens());
    parallelism(args, r, "--tp_size", "--pp_size");
    args.add("--kv_cache_free_gpu_memory_fraction");
    args.add(decimal(e.freeGpuMemoryFraction()));
    String cache = oneCacheFormat(r, "trtllm");
    if (!cache.equals(defaultCache(r))) {
      throw new IllegalArgumentException(
          "trtllm-serve takes its KV cache format from the model's quantisation config, not a"
              + " flag; plan with the model's own cache format ("
              + defaultCache(r)
              + ")");
    }
    return args;
  }

  private static List<String> llamaCpp(PlanOptions.Request r, LlamaCppEngine e) {
    if (!"gguf".equals(r.modelSource())) {
      throw new IllegalArgumentException("llama.cpp runs GGUF files: plan with --gguf FILE");
    }
    if (!r.precision().weights().equals(r.model().defaultPrecision().weights())) {
      throw new IllegalArgumentException(
          "llama.cpp runs the GGUF's own quantisation; drop --weights or quantise the file"
              + " with llama-quantize");
    }
    if (r.deployment().tensorParallel() > 1) {
      throw new IllegalArgumentException(
          "llama.cpp splits layers, not tensors: use --pp for more GPUs");
    }
    long slots = e.parallel().isPresent() ? e.parallel().getAsInt() : r.workload().sequences();
    long context =
        e.contextTokens().orElse(Math.multiplyExact(r.workload().contextTokens(), slots));
    int layers = e.gpuLayers().orElse(r.model().layerCount() + 1);
    List<String> args = new ArrayList<>(List.of("llama-server", "-m", modelArgument(r)));
    add(args, "-c", context);
    add(args, "-np", slots);
    add(args, "-ngl", layers);
    String k = r.precision().keyCache().name();
    String v = r.precision().valueCache().name();
    if (!k.equals("fp16")) {
      args.add("-ctk");
      args.add(named(k, LLAMA_CPP_CACHE, "llama.cpp -ctk"));
    }
    if (!v.equals("fp16")) {
      args.add("-ctv");
      args.add(named(v, LLAMA_CPP_CACHE, "llama.cpp -ctv"));
    }
    if (r.precision().valueCache().isQuantized()) {
      args.add("-fa");
      args.add("on");
    } else if (!e.flashAttention()) {
      args.add("-fa");
      args.add("off");
    }
    if (e.unifiedKv()) {
      args.add("-kvu");
    }
    if (e.ubatchTokens() != LlamaCppEngine.defaults().ubatchTokens()) {
      add(args, "-ub", e.ubatchTokens());
    }
    if (r.deployment().pipelineParallel() > 1) {
      args.add("-sm");
      args.add("layer");
    }
    return args;
  }

  private static List<String> mlx(PlanOptions.Request r, MlxEngine e) {
    if (e.maxKvSize().isEmpty() && e.kvBits().isEmpty()) {
      List<String> args = new ArrayList<>(List.of("mlx_lm.server", "--model", modelArgument(r)));
      add(args, "--decode-concurrency", r.workload().sequences());
      return args;
    }
    List<String> args = new ArrayList<>(List.of("mlx_lm.generate", "--model", modelArgument(r)));
    e.maxKvSize().ifPresent(n -> add(args, "--max-kv-size", n));
    if (e.kvBits().isPresent()) {
      add(args, "--kv-bits", e.kvBits().getAsInt());
      add(args, "--kv-group-size", e.kvGroupSize());
      add(args, "--quantized-kv-start", 0);
    }
    return args;
  }

  /** The model argument: a catalog model's repository, or the file or directory planned from. */
  static String modelArgument(PlanOptions.Request r) {
    ModelSource.Loaded loaded = r.loaded();
    if (loaded.repo().isPresent()) {
      return loaded.repo().get();
    }
    Path file = loaded.file().orElseThrow();
    if (loaded.origin().equals("config")
        || (loaded.origin().equals("safetensors") && !Files.isDirectory(file))) {
      Path parent = file.toAbsolutePath().getParent();
      return parent == null ? file.toString() : parent.toString();
    }
    return file.toString();
  }

  private static void parallelism(
      List<String> args, PlanOptions.Request r, String tpFlag, String ppFlag) {
    if (r.deployment().tensorParallel() > 1) {
      add(args, tpFlag, r.deployment().tensorParallel());
    }
    if (r.deployment().pipelineParallel() > 1) {
      add(args, ppFlag, r.deployment().pipelineParallel());
    }
  }

  /** fp8 weights planned for a checkpoint stored in 16 bits: the engine's online fp8. */
  private static void onlineFp8(List<String> args, PlanOptions.Request r, String engine) {
    DType planned = r.precision().weights();
    DType stored = r.model().defaultPrecision().weights();
    if (planned.equals(stored)) {
      return;
    }
    if (planned.equals(DType.FP8_E4M3) && !stored.isQuantized()) {
      args.add("--quantization");
      args.add("fp8");
      return;
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

  private static String oneCacheFormat(PlanOptions.Request r, String engine) {
    Precision p = r.precision();
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

  private static String defaultCache(PlanOptions.Request r) {
    return r.model().defaultPrecision().keyCache().name();
  }

  private static String named(String format, Map<String, String> accepted, String flag) {
    String value = accepted.get(format);
    if (value == null) {
      throw new IllegalArgumentException(
          flag
              + " does not accept "
              + format
              + " (accepted: "
              + String.join(", ", new java.util.TreeSet<>(accepted.values()))
              + ")");
    }
    return value;
  }

  private static void add(List<String> args, String flag, long value) {
    args.add(flag);
    args.add(Long.toString(value));
  }

  private static String decimal(double value) {
    String text = String.format(Locale.ROOT, "%.3f", value);
    return text.replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  /**
   * {@code args} as one shell line, quoting what the shell would split or expand: a word of safe
   * characters as it is, one with others in single quotes, and one holding a character {@link
   * Printable#escape} escapes (a path from disk may hold ESC or a bidi override) in bash's {@code
   * $'...'} quotes with that character written as an escape, so the line is safe to print and still
   * runs in bash and zsh.
   */
  static String shellLine(List<String> args) {
    StringBuilder line = new StringBuilder();
    for (String arg : args) {
      if (line.length() > 0) {
        line.append(' ');
      }
      if (SHELL_SAFE.matcher(arg).matches()) {
        line.append(arg);
      } else if (arg.codePoints().anyMatch(Printable::needsEscape)) {
        line.append("$'");
        arg.codePoints().forEach(c -> line.append(ansiC(c)));
        line.append('\'');
      } else {
        line.append('\'').append(arg.replace("'", "'\\''")).append('\'');
      }
    }
    return line.toString();
  }

  /**
   * Code point {@code c} inside bash's {@code $'...'}: quotes and backslashes escaped, ASCII
   * controls as {@link Printable#escape} writes them ({@code \x1b}), other escaped characters as
   * <code>&#92;u</code> or <code>&#92;U</code> escapes, which bash writes back as UTF-8.
   */
  private static String ansiC(int c) {
    if (c == '\\' || c == '\'') {
      return "\\" + (char) c;
    }
    if (!Printable.needsEscape(c)) {
      return new String(Character.toChars(c));
    }
    if (c < 0x80) {
      return Printable.escape(new String(Character.toChars(c)));
    }
    return c <= 0xFFFF
        ? String.format(Locale.ROOT, "\\u%04x", c)
        : String.format(Locale.ROOT, "\\U%08x", c);
  }
}
