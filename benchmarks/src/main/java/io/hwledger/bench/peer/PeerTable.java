package io.hwledger.bench.peer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The peer's report: one row per case, llama.cpp's logged figure next to the plan's, and the
 * verdict against the tolerances.
 *
 * <ul>
 *   <li>KV cache, exact: each cache's cells equal the plan's, and its logged size (MiB, two
 *       decimals) is the plan's bytes printed the same way (within the print's half unit, 0.005
 *       MiB).
 *   <li>Weights, within llama.cpp's alignment: the weights' memory ({@link
 *       LlamaCppLog#modelBufferMib}) differs from the plan by at most one 32-byte tensor alignment
 *       per tensor ({@code GGUF_DEFAULT_ALIGNMENT}, the file's and the CPU buffer's) plus the
 *       print's half unit per buffer line. Not compared when the file is memory-mapped and the CPU
 *       backend repacked some tensors ({@link LlamaCppLog#mappedAndRepacked}); the same file's
 *       {@code --no-mmap} row compares them.
 *   <li>CPU compute buffer: within {@value #COMPUTE_TOLERANCE} of llama.cpp's figure, relative (why
 *       that bound: benchmarks/README.md, "llama.cpp peer").
 * </ul>
 */
final class PeerTable {
  static final double COMPUTE_TOLERANCE = 0.20;
  private static final double MIB = 1024.0 * 1024.0;
  private static final double HALF_UNIT = 0.005;
  private static final int ALIGNMENT = 32;

  private final List<String> rows = new ArrayList<>();
  private int failures;

  /** Records a case llama.cpp could not load or create a context for. */
  void failed(PeerCase c, String why) {
    failures++;
    rows.add("| " + c.id() + " | llama.cpp failed: " + why.replace('|', '/') + " ||||||| FAIL |");
  }

  /** Compares one case and records its row. */
  void row(PeerCase c, LlamaCppLog log, PeerPlan plan, int tensors) {
    List<String> wrong = new ArrayList<>();
    String full = kv(log, false, plan.cellsFull(), plan.kvFull(), wrong);
    String swa =
        plan.cellsSwa() == 0 && log.cache(true).isEmpty()
            ? "-"
            : kv(log, true, plan.cellsSwa(), plan.kvSwa(), wrong);
    double weights = plan.weights() / MIB;
    double weightSlack =
        (tensors * (double) ALIGNMENT) / MIB + HALF_UNIT * log.modelBuffers().size();
    boolean weightsCompared = !log.mappedAndRepacked();
    if (weightsCompared && Math.abs(log.modelBufferMib() - weights) > weightSlack) {
      wrong.add("weights");
    }
    double compute = plan.compute() / MIB;
    double ratio = compute / log.computeMib();
    if (log.computeMib() <= 0 || Math.abs(ratio - 1) > COMPUTE_TOLERANCE) {
      wrong.add("compute");
    }
    if (!wrong.isEmpty()) {
      failures++;
    }
    rows.add(
        String.format(
            Locale.ROOT,
            "| %s | %s | %s | %s / %.2f (%s) | %.2f / %.2f | %.3f | %.2f | %s |",
            c.id(),
            full,
            swa,
            weightsCompared
                ? String.format(Locale.ROOT, "%.2f", log.modelBufferMib())
                : "not compared",
            weights,
            String.join(" + ", log.modelBuffers()),
            log.computeMib(),
            compute,
            ratio,
            log.outputMib(),
            wrong.isEmpty() ? "ok" : "FAIL " + String.join(", ", wrong)));
  }

  private static String kv(
      LlamaCppLog log, boolean swa, long cells, long bytes, List<String> wrong) {
    double planned = bytes / MIB;
    return log.cache(swa)
        .map(
            k -> {
              if (k.cells() != cells || Math.abs(k.mib() - planned) > HALF_UNIT + 1e-9) {
                wrong.add(swa ? "SWA KV" : "KV");
              }
              return String.format(
                  Locale.ROOT, "%d / %d cells, %.2f / %.2f", k.cells(), cells, k.mib(), planned);
            })
        .orElseGet(
            () -> {
              wrong.add(swa ? "SWA KV missing" : "KV missing");
              return String.format(Locale.ROOT, "- / %d cells, - / %.2f", cells, planned);
            });
  }

  /** Rows outside the tolerances so far. */
  int failures() {
    return failures;
  }

  /** The Markdown table. */
  String render() {
    StringBuilder b = new StringBuilder();
    b.append(
        "| case | KV (llama.cpp / plan, MiB) | SWA KV (llama.cpp / plan, MiB) | weights MiB"
            + " (llama.cpp / plan, buffers) | CPU compute MiB (llama.cpp / plan) | plan / llama.cpp"
            + " | output MiB | verdict |\n");
    b.append("|---|---|---|---|---|---|---|---|\n");
    for (String r : rows) {
      b.append(r).append('\n');
    }
    return b.toString();
  }
}
