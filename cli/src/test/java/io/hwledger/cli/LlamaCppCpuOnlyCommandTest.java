package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** {@code plan --engine llamacpp --n-gpu-layers 0}: llama.cpp on the CPU alone. */
@Verifies("FR-PLAN-027")
class LlamaCppCpuOnlyCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static JsonNode json(String... args) throws IOException {
    Cli.Result result = Cli.run(args);
    assertThat(result.exitCode()).as(result.err()).isZero();
    return MAPPER.readTree(result.out());
  }

  private static JsonNode plan(String gpuLayers) throws IOException {
    return json(
        "plan",
        "--model",
        "llama-3.1-8b",
        "--context",
        "8K",
        "--engine",
        "llamacpp",
        "--n-gpu-layers",
        gpuLayers,
        "--memory",
        "24GiB",
        "--json");
  }

  @Test
  void nGpuLayersZeroPutsEverythingInHostMemory() throws IOException {
    JsonNode all = plan("33");
    JsonNode cpu = plan("0");
    assertThat(cpu.get("perGpu").get("weightsBytes").asLong()).isZero();
    assertThat(cpu.get("perGpu").get("kvCacheBytes").asLong()).isZero();
    assertThat(cpu.get("perGpu").get("activationBytes").asLong()).isZero();
    assertThat(cpu.get("engine").get("kvCacheTokens").asLong()).isEqualTo(8192);
    long weights =
        all.get("perGpu").get("weightsBytes").asLong()
            + all.get("engine").get("hostBytes").asLong();
    // KV: 8,192 cells · 32 layers · 8 KV heads · 128 · 2 · 2 B = 1 GiB. CPU compute buffer: the
    // output moment 512 · (128,256 + 2 · 4,096) · 4 B = 279,445,504 B, above the MLP moment (F16
    // mask 8,192 · 512 · 2 B = 8 MiB, plus 512 · (4 · 4,096 + 3 · 14,336) · 4 B = 116 MiB)
    assertThat(cpu.get("engine").get("hostBytes").asLong())
        .isEqualTo(weights + (1L << 30) + 279_445_504L);
  }

  @Test
  void aNegativeLayerCountIsAUsageError() {
    Cli.Result result =
        Cli.run("plan", "--model", "llama-3.1-8b", "--engine", "llamacpp", "--n-gpu-layers", "-1");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--n-gpu-layers: '-1' must not be negative");
  }
}
