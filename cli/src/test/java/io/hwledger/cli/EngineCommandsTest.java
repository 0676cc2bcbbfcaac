package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** {@code plan --engine …} and {@code export}: engine objects, launch lines and refusals. */
@Verifies({"FR-ENGINE-001", "FR-ENGINE-002", "FR-ENGINE-007", "FR-ENGINE-008"})
class EngineCommandsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  // Llama-3.1-8B: 32 layers · 8 KV heads · 128 · (K, V) · 2 B = 131,072 B of KV per token
  private static final long LLAMA_KV_PER_TOKEN = 32L * 8 * 128 * 2 * 2;

  private static JsonNode json(String... args) throws IOException {
    Cli.Result result = Cli.run(args);
    assertThat(result.exitCode()).as(result.err()).isZero();
    return MAPPER.readTree(result.out());
  }

  @Test
  void vllmPlanReportsBlocksOfItsUtilisationBudget() throws IOException {
    JsonNode root =
        json(
            "plan",
            "--model",
            "llama-3.1-8b",
            "--context",
            "32K",
            "--users",
            "8",
            "--gpu",
            "h100-sxm-80gb",
            "--engine",
            "vllm",
            "--json");
    JsonNode engine = root.get("engine");
    assertThat(engine.get("name").asText()).isEqualTo("vllm");
    assertThat(root.get("deployment").get("engine").asText()).isEqualTo("vllm");
    // vLLM budgets from CUDA's total, the catalog's 85,017,755,648 B for an H100 SXM (deviceQuery's
    // 81,079 MiB, not nvidia-smi's 81,559): 0.9 · 85,017,755,648 B = 76,515,980,083.2, floored
    assertThat(engine.get("memoryLimitBytes").asLong()).isEqualTo(76_515_980_083L);
    assertThat(root.get("budgetBytes").asLong()).isEqualTo(76_515_980_083L);
    long tokens = engine.get("kvCacheTokens").asLong();
    assertThat(tokens % 16).isZero();
    assertThat(engine.get("kvCacheBytes").asLong()).isEqualTo(tokens * LLAMA_KV_PER_TOKEN);
    // vLLM: num_blocks / cdiv(32768, 16) = (tokens / 16) / 2048
    assertThat(engine.get("maxConcurrency").asDouble()).isEqualTo(tokens / 16.0 / 2048.0);
    // eight 32K sequences in whole blocks: 8 · 32,768 · 131,072 B
    assertThat(root.get("perGpu").get("kvCacheBytes").asLong())
        .isEqualTo(8L * 32_768 * LLAMA_KV_PER_TOKEN);
  }

  @Test
  void vllmWithoutABudgetSaysWhatItNeeds() throws IOException {
    JsonNode engine =
        json("plan", "--model", "llama-3.1-8b", "--context", "4K", "--engine", "vllm", "--json")
            .get("engine");
    assertThat(engine.get("kvCacheTokens").isNull()).isTrue();
    assertThat(engine.get("maxConcurrency").isNull()).isTrue();
    Cli.Result text =
        Cli.run("plan", "--model", "llama-3.1-8b", "--context", "4K", "--engine", "vllm");
    assertThat(text.out())
        .contains("vllm sizes its KV cache from the GPU's memory: add --gpu or --memory");
  }

  @Test
  void llamaCppPlanHoldsNCtxCells() throws IOException {
    JsonNode root =
        json(
            "plan",
            "--model",
            "llama-3.1-8b",
            "--context",
            "8K",
            "--engine",
            "llamacpp",
            "--parallel",
            "2",
            "--memory",
            "24GiB",
            "--json");
    // -c defaults to 8,192 · 2 slots = 16,384 cells
    assertThat(root.get("engine").get("kvCacheTokens").asLong()).isEqualTo(16_384);
    assertThat(root.get("engine").get("maxConcurrency").asDouble()).isEqualTo(2.0);
    assertThat(root.get("perGpu").get("kvCacheBytes").asLong())
        .isEqualTo(16_384 * LLAMA_KV_PER_TOKEN);
    // the token-embedding table (128,256 · 4,096 · 2 B) stays in host memory
    assertThat(root.get("engine").get("hostBytes").asLong()).isEqualTo(128_256L * 4096 * 2);
  }

  @Test
  void anotherEnginesSettingIsAUsageError() {
    Cli.Result result =
        Cli.run("plan", "--model", "llama-3.1-8b", "--engine", "llamacpp", "--block-size", "32");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .isEqualTo(
            "hwledger: --block-size is a vllm setting (--engine is llamacpp)"
                + " (try 'hwledger plan --help')\n");
  }

  @Test
  void unknownEnginePointsToTheList() {
    Cli.Result result = Cli.run("plan", "--model", "llama-3.1-8b", "--engine", "tgi");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .isEqualTo(
            "hwledger: --engine: unknown engine 'tgi'"
                + " (try 'hwledger plan --help' for every engine)\n");
    assertThat(Cli.run("plan", "--help").out().replaceAll("\\s+", " "))
        .contains("--engine=NAME generic (default), vllm, llamacpp, sglang, trtllm or mlx");
  }

  @Test
  void exportVllmLine() {
    Cli.Result result =
        Cli.run(
            "export",
            "--model",
            "llama-3.1-8b",
            "--context",
            "32K",
            "--users",
            "8",
            "--gpu",
            "h100-sxm-80gb",
            "--engine",
            "vllm",
            "--kv-cache",
            "fp8");
    assertThat(result.err()).isEmpty();
    // an H100 (80 GB, not an A100) gets vLLM's 8,192 batched tokens
    assertThat(result.out())
        .isEqualTo(
            "vllm serve meta-llama/Llama-3.1-8B --max-model-len 32768 --max-num-seqs 8"
                + " --gpu-memory-utilization 0.9 --max-num-batched-tokens 8192"
                + " --kv-cache-dtype fp8_e4m3\n");
  }

  @Test
  void exportSglangUsesItsOwnFractionForTheGpu() {
    Cli.Result result =
        Cli.run(
            "export",
            "--model",
            "llama-3.1-70b",
            "--context",
            "32K",
            "--users",
            "8",
            "--gpu",
            "h100-sxm-80gb",
            "--tp",
            "4",
            "--engine",
            "sglang");
    // reserved = 512 + 8,192 · 1.5 + 512 · 2 + 4/8 · 1,024 = 14,336 MiB;
    // (81,559 − 14,336) / 81,559 = 0.8242 -> 0.824
    assertThat(result.out())
        .isEqualTo(
            "python3 -m sglang.launch_server --model-path meta-llama/Llama-3.1-70B"
                + " --context-length 32768 --max-running-requests 8 --tp-size 4"
                + " --mem-fraction-static 0.824\n");
  }

  @Test
  void exportMlxServerOrGeneratorByCacheOptions() {
    assertThat(
            Cli.run(
                    "export",
                    "--model",
                    "llama-3.1-8b",
                    "--context",
                    "8K",
                    "--users",
                    "4",
                    "--engine",
                    "mlx")
                .out())
        .isEqualTo("mlx_lm.server --model meta-llama/Llama-3.1-8B --decode-concurrency 4\n");
    assertThat(
            Cli.run(
                    "export",
                    "--model",
                    "llama-3.1-8b",
                    "--context",
                    "8K",
                    "--engine",
                    "mlx",
                    "--kv-bits",
                    "8",
                    "--max-kv-size",
                    "4096")
                .out())
        .isEqualTo(
            "mlx_lm.generate --model meta-llama/Llama-3.1-8B --max-kv-size 4096 --kv-bits 8"
                + " --kv-group-size 64 --quantized-kv-start 0\n");
  }

  @Test
  void exportRefusesWhatTheEngineCannotDo() {
    Cli.Result llama =
        Cli.run("export", "--model", "llama-3.1-8b", "--context", "8K", "--engine", "llamacpp");
    assertThat(llama.exitCode()).isEqualTo(2);
    assertThat(llama.err())
        .isEqualTo(
            "hwledger: llama.cpp runs GGUF files: plan with --gguf FILE"
                + " (try 'hwledger export --help')\n");

    Cli.Result generic = Cli.run("export", "--model", "llama-3.1-8b", "--context", "8K");
    assertThat(generic.exitCode()).isEqualTo(2);
    assertThat(generic.err())
        .isEqualTo(
            "hwledger: export needs --engine vllm, llamacpp, sglang, trtllm or mlx"
                + " (try 'hwledger export --help')\n");

    Cli.Result cache =
        Cli.run(
            "export",
            "--model",
            "llama-3.1-8b",
            "--context",
            "8K",
            "--engine",
            "vllm",
            "--kv-cache",
            "q4_0");
    assertThat(cache.exitCode()).isEqualTo(2);
    assertThat(cache.err())
        .isEqualTo(
            "hwledger: vllm --kv-cache-dtype does not accept q4_0 (accepted: bfloat16, float16,"
                + " fp8_e4m3, fp8_e5m2) (try 'hwledger export --help')\n");
  }

  @Test
  void exportWarnsWhenThePlanDoesNotFit() {
    Cli.Result result =
        Cli.run(
            "export",
            "--model",
            "llama-3.1-8b",
            "--context",
            "128K",
            "--users",
            "64",
            "--gpu",
            "rtx-4090",
            "--engine",
            "vllm");
    assertThat(result.exitCode()).isZero();
    assertThat(result.err()).contains("hwledger: warning: the plan does not fit: short by");
    assertThat(result.err()).contains("fewer than --users 64");
  }
}
