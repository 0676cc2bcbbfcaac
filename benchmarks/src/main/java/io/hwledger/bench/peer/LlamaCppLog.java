package io.hwledger.bench.peer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory llama.cpp logged while loading a model and creating a context, read from its log lines
 * (formats of {@code src/llama-kv-cache.cpp}, {@code src/llama-kv-cache-iswa.cpp}, {@code
 * src/llama-model.cpp} and {@code src/llama-context.cpp}). Sizes are as printed: MiB with two
 * decimals.
 *
 * @param caches every {@code llama_kv_cache: size = ...} line, in order
 * @param kvBufferMib the {@code KV buffer size} lines, summed
 * @param modelBufferMib the {@code model buffer size} lines ({@code CPU_Mapped}, {@code CPU},
 *     {@code CPU_REPACK}), summed
 * @param modelBuffers those lines' buffer names, in order
 * @param computeMib the {@code CPU compute buffer size} line, to four decimals where the debug log
 *     gave them
 * @param outputMib the {@code output buffer size} line (logits and embeddings of the outputs)
 */
record LlamaCppLog(
    List<Cache> caches,
    double kvBufferMib,
    double modelBufferMib,
    List<String> modelBuffers,
    double computeMib,
    double outputMib) {

  /**
   * One KV cache llama.cpp created.
   *
   * @param swa whether it is the sliding-window cache of a {@code llama_kv_cache_iswa}
   * @param mib its size
   * @param cells cells over all streams (llama.cpp prints one stream's)
   * @param layers layers it holds
   * @param streams KV streams ({@code n_stream} in "{@code seqs n_seq_max/n_stream}")
   * @param typeK K format
   * @param typeV V format
   */
  record Cache(
      boolean swa, double mib, long cells, int layers, int streams, String typeK, String typeV) {}

  private static final String MIB = "\\s*([0-9.]+) MiB";
  private static final Pattern SIZE =
      Pattern.compile(
          "llama_kv_cache: size ="
              + MIB
              + " \\(\\s*(\\d+) cells,\\s*(\\d+) layers,\\s*(\\d+)/\\s*(\\d+)"
              + " seqs\\), K \\((\\w+)\\):"
              + MIB
              + ", V \\((\\w+)\\):"
              + MIB);
  private static final Pattern SWA = Pattern.compile("creating\\s+(non-SWA|SWA) KV cache");
  private static final Pattern KV_BUFFER = Pattern.compile("KV buffer size =" + MIB);
  private static final Pattern MODEL_BUFFER = Pattern.compile("(\\S+) model buffer size =" + MIB);
  private static final Pattern COMPUTE = Pattern.compile("CPU compute buffer size =" + MIB);

  /** The same buffer to four decimals, which llama.cpp's debug log repeats when it frees it. */
  private static final Pattern COMPUTE_EXACT = Pattern.compile("CPU compute buffer size is" + MIB);

  private static final Pattern OUTPUT = Pattern.compile("output buffer size =" + MIB);

  /** Reads the model's load lines and the context's lines. */
  static LlamaCppLog parse(List<String> modelLines, List<String> contextLines) {
    List<Cache> caches = new ArrayList<>();
    List<String> buffers = new ArrayList<>();
    double model = 0;
    double mapped = 0;
    for (String line : modelLines) {
      Matcher m = MODEL_BUFFER.matcher(line);
      if (m.find()) {
        buffers.add(m.group(1) + " " + m.group(2));
        if (m.group(1).equals("CPU_Mapped")) {
          mapped += Double.parseDouble(m.group(2));
        }
        model += Double.parseDouble(m.group(2));
      }
    }
    boolean swa = false;
    double kv = 0;
    double compute = -1;
    double exact = -1;
    double output = 0;
    for (String line : contextLines) {
      Matcher creating = SWA.matcher(line);
      Matcher size = SIZE.matcher(line);
      if (creating.find()) {
        swa = creating.group(1).equals("SWA");
      } else if (size.find()) {
        caches.add(
            new Cache(
                swa,
                Double.parseDouble(size.group(1)),
                Long.parseLong(size.group(2)) * Integer.parseInt(size.group(5)),
                Integer.parseInt(size.group(3)),
                Integer.parseInt(size.group(5)),
                size.group(6),
                size.group(8)));
      } else {
        kv += mib(KV_BUFFER, line);
        output += mib(OUTPUT, line);
        exact = Math.max(exact, mib(COMPUTE_EXACT, line));
        compute = Math.max(compute, mib(COMPUTE, line));
      }
    }
    return new LlamaCppLog(
        caches, kv, mapped > 0 ? mapped : model, buffers, exact > 0 ? exact : compute, output);
  }

  /**
   * Whether the weights are memory-mapped and the CPU backend also copied some of them into a
   * repacked buffer: the mapping then spans the repacked tensors' file bytes too, and neither the
   * mapped range nor the sum of the buffers is the file's tensor bytes.
   */
  boolean mappedAndRepacked() {
    return modelBuffers.stream().anyMatch(b -> b.startsWith("CPU_Mapped "))
        && modelBuffers.stream().anyMatch(b -> b.startsWith("CPU_REPACK "));
  }

  /** The MiB {@code pattern}'s first group reads on {@code line}, 0 if it does not match. */
  private static double mib(Pattern pattern, String line) {
    Matcher m = pattern.matcher(line);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** The cache of sliding-window layers ({@code swa}) or of full-attention ones, if logged. */
  java.util.Optional<Cache> cache(boolean swa) {
    return caches.stream().filter(c -> c.swa() == swa).findFirst();
  }
}
