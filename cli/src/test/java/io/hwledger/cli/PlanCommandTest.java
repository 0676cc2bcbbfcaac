package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Verifies({
  "FR-CLI-001",
  "FR-PLAN-002",
  "FR-PLAN-006",
  "FR-PLAN-007",
  "FR-PLAN-008",
  "FR-PLAN-009",
  "FR-CLI-007",
  "FR-ENGINE-006"
})
class PlanCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  // Llama 3.1 8B, from its published config.json: hidden 4096, 32 layers, 32 query heads, 8 KV
  // heads, head dim 4096 / 32 = 128, intermediate 14336, vocab 128256, untied, bf16, context
  // 131072; 8,030,261,248 parameters per the Hub's safetensors metadata.
  private static final long LLAMA_PARAMS = 8_030_261_248L;
  // Active: everything but the input embedding table (128256 · 4096), which a token only reads.
  private static final long LLAMA_ACTIVE = LLAMA_PARAMS - 128_256L * 4096;
  private static final long LLAMA_KV_PER_TOKEN_PER_LAYER = 8 * 128 * 2 * 2; // heads·dim·(K,V)·bf16
  private static final long GIB = 1L << 30;
  // h100-sxm-80gb: 81559 MiB as nvidia-smi reports it.
  private static final long H100_SXM_BYTES = 81_559L * 1024 * 1024;

  private static JsonNode json(Cli.Result result) throws IOException {
    assertThat(result.exitCode()).as(result.err()).isZero();
    return MAPPER.readTree(result.out());
  }

  @Test
  void jsonContractForLlama31_8b() throws IOException {
    Cli.Result result =
        Cli.run("plan", "--model", "llama-3.1-8b", "--context", "8192", "--users", "1", "--json");
    assertThat(result.err()).isEmpty();
    JsonNode root = json(result);

    assertThat(root.get("model").asText()).isEqualTo("llama-3.1-8b");
    assertThat(root.get("parameters").get("total").asLong()).isEqualTo(LLAMA_PARAMS);
    assertThat(root.get("parameters").get("active").asLong())
        .isEqualTo(LLAMA_ACTIVE)
        .isEqualTo(7_504_924_672L);
    assertThat(root.get("contextLimit").asLong()).isEqualTo(131_072L);

    JsonNode memory = root.get("memory");
    assertThat(memory.get("weightsBytes").asLong()).isEqualTo(LLAMA_PARAMS * 2); // all bf16
    assertThat(LLAMA_KV_PER_TOKEN_PER_LAYER * 32).isEqualTo(131_072L);
    assertThat(memory.get("kvCacheBytes").asLong()).isEqualTo(8192L * 131_072L).isEqualTo(GIB);
    assertThat(memory.get("stateBytes").asLong()).isZero();
    assertThat(memory.get("overheadBytes").asLong()).isEqualTo(GIB);
    // Generic-engine activations (Planner Javadoc): a pass of min(2048, 8192) tokens, each holding
    // the residual stream and its normed copy (2 · 4096) plus the widest intermediate, the gated
    // MLP's gate, up and product (3 · 14336), in bf16; plus fp32 logits of one token (4 · 128256).
    assertThat(memory.get("activationBytes").asLong())
        .isEqualTo(2048L * (2 * 4096 + 3 * 14336) * 2 + 4L * 128_256);
    assertThat(memory.get("totalBytes").asLong())
        .isEqualTo(
            memory.get("weightsBytes").asLong()
                + memory.get("kvCacheBytes").asLong()
                + memory.get("stateBytes").asLong()
                + memory.get("activationBytes").asLong()
                + memory.get("overheadBytes").asLong());

    // One GPU: the per-GPU view is the whole plan.
    JsonNode perGpu = root.get("perGpu");
    for (String field :
        new String[] {
          "weightsBytes",
          "kvCacheBytes",
          "stateBytes",
          "activationBytes",
          "overheadBytes",
          "totalBytes"
        }) {
      assertThat(perGpu.get(field).asLong()).as(field).isEqualTo(memory.get(field).asLong());
    }

    JsonNode layers = root.get("layers");
    assertThat(layers).hasSize(32);
    for (int i = 0; i < 32; i++) {
      JsonNode layer = layers.get(i);
      assertThat(layer.get("index").asInt()).isEqualTo(i);
      assertThat(layer.get("mixer").asText()).isEqualTo("attention");
      assertThat(layer.get("kvBytesPerToken").asLong()).isEqualTo(4096L);
      assertThat(layer.get("windowTokens").isNull()).isTrue();
      assertThat(layer.get("stateBytes").asLong()).isZero();
      assertThat(layer.get("kvCacheBytes").asLong()).isEqualTo(4096L * 8192);
    }

    assertThat(root.has("fits")).isFalse();
    assertThat(root.has("headroomBytes")).isFalse();
    assertThat(root.get("workload").get("contextTokens").asLong()).isEqualTo(8192);
    assertThat(root.get("workload").get("users").asLong()).isEqualTo(1);
    assertThat(root.get("precision").get("weights").asText()).isEqualTo("bf16");
    assertThat(root.get("precision").get("keyCache").asText()).isEqualTo("bf16");
    assertThat(root.get("deployment").get("gpus").asInt()).isEqualTo(1);
  }

  @Test
  void defaultsToTheModelsContextLimitAndOneUser() throws IOException {
    JsonNode root = json(Cli.run("plan", "--model", "llama-3.1-8b", "--json"));
    assertThat(root.get("workload").get("contextTokens").asLong()).isEqualTo(131_072L);
    assertThat(root.get("workload").get("users").asLong()).isEqualTo(1);
    assertThat(root.get("memory").get("kvCacheBytes").asLong()).isEqualTo(131_072L * 131_072L);
  }

  @Test
  void usersMultiplyTheCacheAndSuffixesWork() throws IOException {
    JsonNode root =
        json(
            Cli.run(
                "plan", "--model", "llama-3.1-8b", "--context", "8K", "--users", "4", "--json"));
    assertThat(root.get("memory").get("kvCacheBytes").asLong()).isEqualTo(4 * GIB);
  }

  @Test
  void fp8KvCacheHalvesTheCacheAndInt4ShrinksWeights() throws IOException {
    JsonNode root =
        json(
            Cli.run(
                "plan",
                "--model",
                "llama-3.1-8b",
                "--context",
                "8192",
                "--kv-cache",
                "fp8",
                "--weights",
                "int4",
                "--json"));
    assertThat(root.get("memory").get("kvCacheBytes").asLong()).isEqualTo(GIB / 2);
    assertThat(root.get("precision").get("keyCache").asText()).isEqualTo("fp8_e4m3");
    assertThat(root.get("precision").get("weights").asText()).isEqualTo("int4_g128");
    // Embedding and head stay bf16 (2 · 128256 · 4096 · 2 bytes alone); the rest is ~4.16 bits.
    assertThat(root.get("memory").get("weightsBytes").asLong())
        .isGreaterThan(2L * 128_256 * 4096 * 2)
        .isLessThan(LLAMA_PARAMS * 2 / 2);
  }

  @Test
  void gpuBudgetGivesFitAndHeadroom() throws IOException {
    JsonNode root =
        json(
            Cli.run(
                "plan",
                "--model",
                "llama-3.1-8b",
                "--context",
                "8192",
                "--gpu",
                "h100-sxm-80gb",
                "--json"));
    assertThat(root.get("fits").asBoolean()).isTrue();
    assertThat(root.get("budgetBytes").asLong()).isEqualTo(H100_SXM_BYTES);
    assertThat(root.get("headroomBytes").asLong())
        .isEqualTo(H100_SXM_BYTES - root.get("perGpu").get("totalBytes").asLong());
    assertThat(root.get("deployment").get("gpu").asText()).isEqualTo("h100-sxm-80gb");
    assertThat(root.get("deployment").get("memoryPerGpuBytes").asLong()).isEqualTo(H100_SXM_BYTES);
  }

  @Test
  void memoryBudgetThatIsTooSmallDoesNotFit() throws IOException {
    JsonNode root =
        json(
            Cli.run(
                "plan",
                "--model",
                "llama-3.1-8b",
                "--context",
                "8192",
                "--memory",
                "8GiB",
                "--json"));
    assertThat(root.get("fits").asBoolean()).isFalse();
    assertThat(root.get("headroomBytes").asLong())
        .isEqualTo(8 * GIB - root.get("perGpu").get("totalBytes").asLong())
        .isNegative();
  }

  @Test
  void tensorAndPipelineParallelismSplitThePerGpuShare() throws IOException {
    JsonNode root =
        json(
            Cli.run(
                "plan",
                "--model",
                "llama-3.1-8b",
                "--context",
                "8192",
                "--tp",
                "2",
                "--pp",
                "2",
                "--json"));
    assertThat(root.get("deployment").get("gpus").asInt()).isEqualTo(4);
    assertThat(root.get("stages")).hasSize(2);
    // 8 KV heads over 2 ranks, 16 layers per stage: a quarter of the cache per GPU.
    assertThat(root.get("perGpu").get("kvCacheBytes").asLong()).isEqualTo(GIB / 4);
    assertThat(root.get("memory").get("kvCacheBytes").asLong()).isEqualTo(GIB);
    assertThat(root.get("memory").get("overheadBytes").asLong()).isEqualTo(4 * GIB);
  }

  @Test
  void configFileFromATempDirectory(@TempDir Path dir) throws IOException {
    Path model = Files.createDirectories(dir.resolve("tiny-llama"));
    Path config = model.resolve("config.json");
    Files.writeString(
        config,
        "{\"architectures\": [\"LlamaForCausalLM\"], \"model_type\": \"llama\","
            + " \"hidden_size\": 256, \"intermediate_size\": 512, \"num_hidden_layers\": 2,"
            + " \"num_attention_heads\": 4, \"num_key_value_heads\": 2, \"vocab_size\": 1000,"
            + " \"max_position_embeddings\": 2048, \"rms_norm_eps\": 1e-5,"
            + " \"tie_word_embeddings\": false, \"torch_dtype\": \"bfloat16\"}",
        StandardCharsets.UTF_8);

    // Parameters by hand: embedding and head 1000·256 each; per layer q 256·256, k and v
    // 256·(2·64), o 256·256, gate/up/down 3·256·512, two norms of 256; final norm 256.
    long perLayer = 256 * 256 + 2 * 256 * 128 + 256 * 256 + 3 * 256 * 512 + 2 * 256;
    long params = 2 * 1000 * 256 + 2 * perLayer + 256;
    assertThat(params).isEqualTo(1_692_928L);
    // KV per token: 2 layers · 2 KV heads · 64 dims · (K, V) · 2 bytes.
    long kvPerToken = 2 * 2 * 64 * 2 * 2;

    for (Path path : new Path[] {config, model}) {
      JsonNode root = json(Cli.run("plan", "--config", path.toString(), "--json"));
      assertThat(root.get("model").asText()).isEqualTo("tiny-llama");
      assertThat(root.get("parameters").get("total").asLong()).isEqualTo(params);
      assertThat(root.get("contextLimit").asLong()).isEqualTo(2048);
      assertThat(root.get("memory").get("weightsBytes").asLong()).isEqualTo(params * 2);
      assertThat(root.get("memory").get("kvCacheBytes").asLong()).isEqualTo(2048 * kvPerToken);
      assertThat(root.get("layers")).hasSize(2);
      assertThat(root.get("layers").get(1).get("kvBytesPerToken").asLong())
          .isEqualTo(kvPerToken / 2);
    }
  }

  /** {@code --gpu} takes the name nvidia-smi prints (NVIDIA/nccl#1264) as the catalog id. */
  @Test
  @Verifies("FR-PLAN-033")
  void gpuTakesTheNameNvidiaSmiReports() throws IOException {
    JsonNode byId =
        json(Cli.run("plan", "--model", "llama-3.1-8b", "--gpu", "h100-sxm-80gb", "--json"));
    JsonNode byName =
        json(
            Cli.run("plan", "--model", "llama-3.1-8b", "--gpu", "NVIDIA H100 80GB HBM3", "--json"));
    assertThat(byName).isEqualTo(byId);
  }

  @Test
  void textOutputShowsBreakdownVerdictAndBar() {
    Cli.Result result = Cli.run("plan", "--model", "llama-3.1-8b", "--gpu", "h100-sxm-80gb");
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err()).isEmpty();
    String out = result.out();
    assertThat(out.lines().findFirst().orElseThrow())
        .startsWith("llama-3.1-8b: 8.03B params (7.50B active), context 131072 of 131072 tokens")
        .contains("1 user", "weights bf16", "KV cache bf16", "TP 1 x PP 1");
    assertThat(out)
        .contains("weights", "KV cache", "state", "activations", "overhead", "total")
        // 131072² bytes of bf16 cache = 16 GiB
        .contains("16.00 GiB")
        .contains("Fits     yes, headroom")
        .containsPattern("\\[\u2588+\u2591*\\] \\d+% of 79\\.65 GiB");
    assertThat(out).doesNotContain("Layer");
  }

  @Test
  void layersFlagAddsOneRowPerLayer() {
    Cli.Result result =
        Cli.run("plan", "--model", "llama-3.1-8b", "--context", "8192", "--users", "2", "--layers");
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("Layer").contains("Mixer");
    // 4096 B per token · 8192 tokens · 2 users = 64 MiB per layer.
    assertThat(result.out().lines().filter(l -> l.matches("\\s*\\d+\\s+attention\\s.*")))
        .hasSize(32)
        .allMatch(l -> l.contains("4.00 KiB") && l.contains("64.00 MiB"));
  }

  @Test
  void contextBeyondTheLimitPlansOnlyWhenAllowed() throws IOException {
    Cli.Result result =
        Cli.run(
            "plan",
            "--model",
            "llama-3.1-8b",
            "--context",
            "256K",
            "--allow-long-context",
            "--json");
    assertThat(result.err().strip())
        .startsWith("hwledger: warning:")
        .contains("--context 262144", "131072")
        .doesNotContain("\n");
    JsonNode root = json(result);
    assertThat(root.get("memory").get("kvCacheBytes").asLong()).isEqualTo(262_144L * 131_072L);
  }

  @Test
  void asciiBarWhenTheTerminalCannotShowBlocks() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int code =
        Main.run(
            new java.io.PrintStream(out, true, StandardCharsets.US_ASCII),
            new java.io.PrintStream(err, true, StandardCharsets.US_ASCII),
            false,
            "plan",
            "--model",
            "llama-3.1-8b",
            "--memory",
            "40GiB");
    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.US_ASCII))
        .containsPattern("\\[#+\\.*\\] \\d+% of 40\\.00 GiB");
  }
}
