package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import org.junit.jupiter.api.Test;

@Verifies("FR-SPEED-003")
class PerfCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  // Llama 3.1 8B bf16 on one H100 SXM, context 1: (8,030,261,248 − 128256 · 4096) · 2 =
  // 15,009,849,344 weight bytes + 131,072 KV bytes (32 layers · 8 heads · 128 · 2 · 2) per step,
  // on llama.cpp over 3.35e12 B/s · MBU 0.82 = 2.747e12 B/s: 5.46414 ms, plus 32 layers · 30 µs =
  // 0.96 ms: 6.42414 ms, 155.66 tokens/s. At $2.00 per GPU-hour: 2.00 / (155.66 · 3600) · 1e6 =
  // $3.569 per million tokens.
  @Test
  void printsTimeToFirstTokenDecodeRowsAndCost() {
    Cli.Result r =
        Cli.run(
            "perf",
            "--model",
            "llama-3.1-8b",
            "--gpu",
            "h100-sxm-80gb",
            "--context",
            "1",
            "--batch",
            "4",
            "--price",
            "2.00",
            "--engine",
            "llama.cpp");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("Utilisation (llamacpp): MBU 0.82, MFU 0.41, 30 us per layer and pass");
    // Prefill of 1024 tokens at the H100's fp16 peak (llama.cpp accumulates in fp16; the H100's
    // rate does not depend on the accumulator): 1.457039e13 operations / (989.5e12 · MFU 0.41 =
    // 4.05695e14) = 35.915 ms, plus 32 layers · 30 us = 0.96 ms: 36.875 ms, printed 36.9 ms.
    assertThat(r.out()).contains("Time to first token (1024-token prompt): 36.9 ms");
    assertThat(r.out()).containsPattern("(?m)^\\s*1\\s+155\\.7\\s+155\\.7\\s+memory\\s+3\\.569$");
    assertThat(r.out()).containsPattern("(?m)^\\s*2\\s+155\\.7\\s+311\\.3");
    assertThat(r.out()).containsPattern("(?m)^\\s*4\\s");
  }

  /**
   * {@code --weights Q4_K_M} reads each step at the bytes of llama.cpp's Q4_K_M file, not at Q4_K
   * throughout. The planned tensors are 4,912,898,048 bytes (bartowski's
   * Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf, 4,920,739,232 bytes, less its 7,841,184-byte header:
   * LlamaCppQuantizationTest); a decode step reads all but the token embedding, 128,256 x 4,096 in
   * Q4_K (144 bytes per 256): 4,912,898,048 - 295,501,824 = 4,617,396,224 bytes, plus 131,072 KV
   * bytes at context 1. On llama.cpp's CUDA set, compressed weights read at 3.35e12 B/s x MBU 0.69
   * = 2.3115e12 B/s: 1.9976 ms, plus 32 layers x 30 us = 0.96 ms: 2.9576 ms, 338.1 tokens/s.
   */
  @Test
  @Verifies("FR-PLAN-022")
  void aLlamaCppFileTypeIsReadAtItsFilesBytes() throws IOException {
    Cli.Result r =
        Cli.run(
            "perf",
            "--model",
            "llama-3.1-8b",
            "--gpu",
            "h100-sxm-80gb",
            "--context",
            "1",
            "--engine",
            "llama.cpp",
            "--weights",
            "Q4_K_M",
            "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode root = MAPPER.readTree(r.out());
    assertThat(root.get("weights").asText()).isEqualTo("q4_k");
    double expected = 1 / ((4_617_396_224.0 + 131_072) / (3.35e12 * 0.69) + 32 * 30e-6);
    assertThat(root.get("decode").get(0).get("tokensPerSecondPerSequence").asDouble())
        .isCloseTo(expected, within(expected * 1e-3));
    assertThat(expected).isCloseTo(338.1, within(0.05));
  }

  @Test
  void jsonHasOneRowPerBatchAndTheCost() throws IOException {
    Cli.Result r =
        Cli.run(
            "perf",
            "--model",
            "llama-3.1-8b",
            "--gpu",
            "h100-sxm-80gb",
            "--context",
            "1",
            "--batch",
            "6",
            "--price",
            "2",
            "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode root = MAPPER.readTree(r.out());
    assertThat(root.get("gpus").asInt()).isEqualTo(1);
    JsonNode rows = root.get("decode");
    assertThat(rows).hasSize(4); // 1, 2, 4, 6
    assertThat(rows.get(3).get("batch").asLong()).isEqualTo(6);
    // The generic engine takes the serving pair: 3.35e12 B/s · MBU 0.65 = 2.1775e12 B/s, so
    // 15,009,980,416 bytes take 6.8932 ms, 145.07 tokens/s; 2 / (145.07 · 3600) · 1e6 = $3.829.
    assertThat(root.get("engine").asText()).isEqualTo("generic");
    assertThat(root.get("memoryBandwidthUtilization").asDouble()).isEqualTo(0.65);
    assertThat(root.get("modelFlopsUtilization").asDouble()).isEqualTo(0.53);
    assertThat(rows.get(0).get("tokensPerSecond").asDouble()).isCloseTo(145.07, within(0.05));
    assertThat(rows.get(0).get("usdPerMillionTokens").asDouble()).isCloseTo(3.829, within(0.002));
    assertThat(root.get("timeToFirstTokenSeconds").asDouble()).isPositive();
  }

  @Test
  void documentedExampleMatches() {
    // docs/cli-reference.md, `hwledger perf` example (generic engine: MBU 0.65, MFU 0.53).
    // TTFT 1.457039e13 / (989.5e12 · 0.53) = 27.8 ms; step (15,009,849,344 + b · 131,072) bytes /
    // 2.1775e12 B/s: 145.1 tokens/s per sequence; $2 / (580.3 · 3600) · 1e6 = $0.957 at batch 4.
    Cli.Result r =
        Cli.run(
            "perf",
            "--model",
            "llama-3.1-8b",
            "--gpu",
            "h100-sxm-80gb",
            "--context",
            "1",
            "--batch",
            "4",
            "--price",
            "2.00");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("Utilisation (generic): MBU 0.65, MFU 0.53");
    assertThat(r.out()).contains("Time to first token (1024-token prompt): 27.8 ms");
    assertThat(r.out()).containsPattern("(?m)^\\s*1\\s+145\\.1\\s+145\\.1\\s+memory\\s+3\\.830$");
    assertThat(r.out()).containsPattern("(?m)^\\s*4\\s+145\\.1\\s+580\\.3\\s+memory\\s+0\\.957$");
  }

  @Test
  void engineSelectsTheFactorsAndIsPrinted() {
    Cli.Result vllm =
        Cli.run("perf", "--model", "llama-3.1-8b", "--gpu", "h100-sxm-80gb", "--engine", "vllm");
    assertThat(vllm.exitCode()).as(vllm.err()).isZero();
    assertThat(vllm.out()).contains("Utilisation (vllm): MBU 0.65, MFU 0.53");
    Cli.Result mlx =
        Cli.run(
            "perf", "--model", "llama-2-7b", "--gpu", "apple-m2-ultra-192gb", "--engine", "mlx");
    assertThat(mlx.exitCode()).as(mlx.err()).isZero();
    // MLX runs on Metal: llama.cpp's fractions and Metal's 130 µs per layer.
    assertThat(mlx.out())
        .contains("Utilisation (mlx): MBU 0.82, MFU 0.41, 130 us per layer and pass");
  }

  @Test
  void costCoversEveryGpuOfTheDeployment() {
    // 2 GPUs at $1/h making 1000 tokens/s: 2 / 3,600,000 · 1e6 = $0.5556 per million.
    assertThat(PerfCommand.costPerMillionTokens(1, 2, 1000)).isCloseTo(0.5556, within(1e-4));
  }

  @Test
  void appleGpuHasNoTimeToFirstToken() {
    Cli.Result r = Cli.run("perf", "--model", "llama-2-7b", "--gpu", "apple-m2-ultra-192gb");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("unknown (the catalog has no throughput for this GPU)");
  }

  @Test
  void userErrorsAreOneLineWithoutAStackTrace() {
    for (String[] args :
        new String[][] {
          {"perf", "--model", "llama-3.1-8b", "--gpu", "no-such-gpu"},
          {"perf", "--model", "llama-3.1-8b", "--gpu", "h100-sxm-80gb", "--price", "cheap"},
          {"perf", "--model", "llama-3.1-8b", "--gpu", "h100-sxm-80gb", "--pp", "64"},
          {"perf", "--model", "no-such-model", "--gpu", "h100-sxm-80gb"},
          {"perf", "--model", "llama-3.1-8b", "--gpu", "h100-sxm-80gb", "--engine", "tgi"},
        }) {
      Cli.Result r = Cli.run(args);
      assertThat(r.exitCode()).as(String.join(" ", args)).isNotZero();
      assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
      assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }
  }
}
