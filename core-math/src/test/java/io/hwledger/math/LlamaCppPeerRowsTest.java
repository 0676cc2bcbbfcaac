package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hwledger.api.DType;
import io.hwledger.api.Deployment;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.Workload;
import io.hwledger.math.engine.llamacpp.LlamaCppEngine;
import io.hwledger.math.fixtures.DecoderGguf;
import io.hwledger.math.gguf.GgufFile;
import io.hwledger.math.gguf.GgufReader;
import io.hwledger.testsupport.Verifies;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows the llama.cpp peer printed ({@code benchmarks/llama-peer.sh}, benchmarks/README.md
 * "llama.cpp peer"): llama.cpp of 2026-09-28 through node-llama-cpp 3.22.1's prebuilt CPU
 * libraries, run on 2026-12-06, GGUF files of the same shapes as here, {@code -ngl 0}. Expected
 * figures are the log lines it printed (MiB = 2^20 bytes; compute buffers to the four decimals of
 * llama.cpp's debug line). The plan's split: weights and KV from the plan with every layer
 * offloaded and the output on the host ({@code -ngl n_layer}), the CPU compute buffer the CPU-only
 * host figure beyond them.
 */
@Verifies("FR-PLAN-028")
class LlamaCppPeerRowsTest {
  private static final double MIB = 1024.0 * 1024.0;

  /** The print's half unit, MiB: llama.cpp logs sizes with two decimals. */
  private static final double PRINTED = 0.005;

  /**
   * What the plan leaves out of the compute buffer: inputs of a few bytes per token (positions,
   * output ids, KV indices), under 0.02 MiB at 512 tokens in every peer row.
   */
  private static final double SMALL_INPUTS = 0.02;

  @TempDir Path dir;

  private record Split(double weightsMib, double kvMib, double computeMib, long cells) {}

  /** The header of {@code model} (the peer's shapes, {@code PeerCases}). */
  private Path gguf(DecoderGguf model) {
    return model.writeHeader(dir);
  }

  /** The plan for {@code -c nCtx -np seqs -ngl 0 -ub 512}, split as llama.cpp logs it. */
  private static Split plan(Path file, long nCtx, int seqs, boolean flash) {
    GgufFile gguf = GgufReader.read(file);
    Planner planner = Planner.of(gguf.modelSpec(), gguf.checkpointWeights());
    Workload w = Workload.of(nCtx / seqs, seqs);
    int layers = gguf.modelSpec().layerCount();
    MemoryPlan offloaded =
        planner.plan(gguf.modelSpec().defaultPrecision(), w, deployment(nCtx, seqs, flash, layers));
    MemoryPlan cpu =
        planner.plan(gguf.modelSpec().defaultPrecision(), w, deployment(nCtx, seqs, flash, 0));
    long weights = offloaded.perGpu().weightsBytes() + offloaded.engine().orElseThrow().hostBytes();
    long kv = offloaded.perGpu().kvCacheBytes();
    long compute = cpu.engine().orElseThrow().hostBytes() - weights - kv;
    return new Split(
        weights / MIB, kv / MIB, compute / MIB, cpu.engine().orElseThrow().kvCacheTokens());
  }

  private static Deployment deployment(long nCtx, int seqs, boolean flash, int gpuLayers) {
    return Deployment.singleGpu()
        .withEngine(
            new LlamaCppEngine(
                OptionalLong.of(nCtx),
                OptionalInt.of(seqs),
                OptionalInt.of(gpuLayers),
                flash,
                false,
                512));
  }

  private Path llamaGqa() {
    return gguf(
        new DecoderGguf(
            "llama-gqa-f16", "llama", 512, 4, 8, 2, 64, 1536, 32_000, DType.FP16, false, 0));
  }

  /**
   * llama-gqa-f16 at 131,072 cells, flash attention: "CPU_Mapped model buffer size = 85.52 MiB",
   * "size = 256.00 MiB (131072 cells, 4 layers, 1/1 seqs)", "CPU compute buffer size is 141.0137
   * MiB": the F16 mask 131,072 · 512 · 2 B = 128 MiB and the MLP moment 512 · (4 · 512 + 3 · 1,536)
   * · 4 B = 13 MiB.
   */
  @Test
  void longContextWithFlashAttentionHoldsTheF16MaskAndTheMlp() {
    Split s = plan(llamaGqa(), 131_072, 1, true);
    assertThat(s.cells()).isEqualTo(131_072);
    assertThat(s.kvMib()).isCloseTo(256.00, within(PRINTED));
    assertThat(s.weightsMib()).isCloseTo(85.52, within(PRINTED));
    assertThat(s.computeMib()).isCloseTo(141.0137, within(SMALL_INPUTS));
  }

  /**
   * llama-gqa-f16 at 32,768 cells without flash attention: "CPU compute buffer size is 581.5098
   * MiB": the F32 mask 64 MiB, the scores of 8 heads 32,768 · 512 · 8 · 4 B = 512 MiB, and 5.5
   * hidden vectors 512 · 512 · 22 B = 5.5 MiB.
   */
  @Test
  void withoutFlashAttentionTheScoresPeak() {
    Split s = plan(llamaGqa(), 32_768, 1, false);
    assertThat(s.kvMib()).isCloseTo(64.00, within(PRINTED));
    assertThat(s.computeMib()).isCloseTo(581.5098, within(SMALL_INPUTS));
  }

  /**
   * llama-ffn4096 (a 4,096-wide MLP on a 512 hidden size) at 65,536 cells, flash attention: "CPU
   * compute buffer size is 92.0137 MiB": mask 64 MiB plus 512 · (4 · 512 + 3 · 4,096) · 4 B = 28
   * MiB; the MLP term grows with the MLP's width.
   */
  @Test
  void theMlpMomentGrowsWithTheMlpWidth() {
    Split s =
        plan(
            gguf(
                new DecoderGguf(
                    "llama-ffn4096",
                    "llama",
                    512,
                    4,
                    8,
                    2,
                    64,
                    4096,
                    32_000,
                    DType.FP16,
                    false,
                    0)),
            65_536,
            1,
            true);
    assertThat(s.weightsMib()).isCloseTo(115.52, within(PRINTED));
    assertThat(s.computeMib()).isCloseTo(92.0137, within(SMALL_INPUTS));
  }

  /**
   * llama-mha-f32-tied (F32 weights, no output.weight) at 2,048 cells: "CPU_Mapped model buffer
   * size = 14.50 MiB", the same with --no-mmap: on the CPU the output uses the token table itself,
   * with no copy (the table 8,192 · 256 · 4 B = 8 MiB once, the layers 2 · (4 · 256 · 256 + 3 · 256
   * · 768) · 4 B = 6.5 MiB). "CPU compute buffer size is 17.0020 MiB": the output moment 512 ·
   * (8,192 + 2 · 256) · 4 B = 17 MiB.
   */
  @Test
  void aTiedOutputIsNotCopiedOnTheCpu() {
    Split s =
        plan(
            gguf(
                new DecoderGguf(
                    "llama-mha-f32-tied",
                    "llama",
                    256,
                    2,
                    4,
                    4,
                    64,
                    768,
                    8192,
                    DType.FP32,
                    true,
                    0)),
            2048,
            1,
            true);
    assertThat(s.weightsMib()).isCloseTo(14.50, within(PRINTED));
    assertThat(s.kvMib()).isCloseTo(4.00, within(PRINTED));
    assertThat(s.computeMib()).isCloseTo(17.0020, within(SMALL_INPUTS));
  }

  /**
   * gemma3-swa (12 layers, every 6th global, window 512) at 32,768 cells in 4 streams: "size =
   * 32.00 MiB (8192 cells, 2 layers, 4/4 seqs)" for the global layers and "size = 20.00 MiB (1024
   * cells, 10 layers, 4/4 seqs)" for the sliding-window ones (512 + 512 cells a stream), "CPU
   * compute buffer size is 64.5020 MiB": the output moment 512 · (32,000 + 2 · 512) · 4 B.
   */
  @Test
  void slidingWindowCachesInStreams() {
    Split s =
        plan(
            gguf(
                new DecoderGguf(
                    "gemma3-swa",
                    "gemma3",
                    512,
                    12,
                    4,
                    1,
                    128,
                    1024,
                    32_000,
                    DType.FP16,
                    true,
                    512)),
            32_768,
            4,
            true);
    assertThat(s.cells()).isEqualTo(4 * 8192);
    assertThat(s.kvMib()).isCloseTo(32.00 + 20.00, within(2 * PRINTED));
    assertThat(s.weightsMib()).isCloseTo(82.36, within(PRINTED));
    assertThat(s.computeMib()).isCloseTo(64.5020, within(SMALL_INPUTS));
  }
}
