package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code hwledger plan} refuses as the engines do, and the two active-parameter counts. */
class EngineRulesCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static void usageError(Cli.Result result, String message) {
    assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "hwledger: " + message + " (try 'hwledger plan --help')" + System.lineSeparator());
  }

  @Test
  @Verifies("FR-PLAN-024")
  void vllmRefusesTpThatDoesNotDivideTheHeads() {
    // Qwen2.5-7B has 28 attention heads (its published config.json)
    usageError(
        Cli.run(
            "plan", "--model", "qwen2.5-7b", "--context", "4K", "--tp", "3", "--engine", "vllm"),
        "vllm refuses --tp 3 for model 'qwen2.5-7b': Total number of attention heads (28) must be"
            + " divisible by tensor parallel size (3).");
    assertThat(
            Cli.run(
                    "plan",
                    "--model",
                    "qwen2.5-7b",
                    "--context",
                    "4K",
                    "--tp",
                    "4",
                    "--engine",
                    "vllm")
                .exitCode())
        .isZero();
  }

  @Test
  @Verifies("FR-PLAN-032")
  void vllmRefusesBlockFp8ExpertsSplitIntoPartBlocks() {
    // Qwen3-235B-A22B-FP8: experts of moe_intermediate_size 1536, weight_block_size [128, 128];
    // TP 8 leaves 192 rows per rank (vLLM's Fp8MoEMethod message), TP 4 leaves 384 = 3 · 128.
    usageError(
        Cli.run(
            "plan",
            "--model",
            "qwen3-235b-a22b-fp8",
            "--context",
            "4K",
            "--tp",
            "8",
            "--engine",
            "vllm"),
        "vllm refuses --tp 8 for model 'qwen3-235b-a22b-fp8': each expert's 1536 intermediate"
            + " rows split over 8 ranks are not whole 128-row weight blocks (The output_size of"
            + " gate's and up's weight = 192 is not divisible by weight quantization block_n ="
            + " 128.)");
    assertThat(
            Cli.run(
                    "plan",
                    "--model",
                    "qwen3-235b-a22b-fp8",
                    "--context",
                    "4K",
                    "--tp",
                    "4",
                    "--engine",
                    "vllm")
                .exitCode())
        .isZero();
  }

  @Test
  @Verifies("FR-PLAN-032")
  void vllmRefusesAVocabularyThatDoesNotSplit() {
    // Phi-3-medium-4k-instruct: vocab_size 32064 (a multiple of 64), 40 heads, 10 KV heads
    usageError(
        Cli.run(
            "plan",
            "--model",
            "phi-3-medium-4k-instruct",
            "--context",
            "4K",
            "--tp",
            "5",
            "--engine",
            "vllm"),
        "vllm refuses --tp 5 for model 'phi-3-medium-4k-instruct': its vocabulary of 32064"
            + " entries, padded to 32064 (a multiple of 64), does not split over the ranks (32064"
            + " is not divisible by 5)");
  }

  @Test
  @Verifies("FR-PLAN-024")
  void morePipelineStagesThanLayersIsAUsageError() {
    // GPT-2 has 12 layers (n_layer)
    usageError(
        Cli.run("plan", "--model", "gpt2", "--pp", "13"),
        "--pp 13 exceeds the 12 layers of model 'gpt2': every pipeline stage needs at least one"
            + " layer");
  }

  @Test
  @Verifies("FR-PLAN-024")
  void contextBeyondTheLimitQuotesTheEngine() {
    // Qwen2.5-7B: max_position_embeddings 131072 in its published config.json
    usageError(
        Cli.run("plan", "--model", "qwen2.5-7b", "--context", "256K", "--engine", "vllm"),
        "--context 262144 exceeds the context limit of model 'qwen2.5-7b' (131072 tokens); vllm"
            + " refuses it: User-specified max_model_len (262144) is greater than the derived"
            + " max_model_len (max_position_embeddings=131072), unless"
            + " VLLM_ALLOW_LONG_MAX_MODEL_LEN=1; add --allow-long-context to plan it anyway");
    // vLLM's own override is honoured as vLLM honours it
    Cli.Result overridden =
        Cli.runWithEnv(
            Map.of("VLLM_ALLOW_LONG_MAX_MODEL_LEN", "1"),
            "plan",
            "--model",
            "qwen2.5-7b",
            "--context",
            "256K",
            "--engine",
            "vllm");
    assertThat(overridden.exitCode()).as(overridden.err()).isZero();
    assertThat(overridden.err()).startsWith("hwledger: warning: --context 262144 exceeds");
    // the generic engine names no engine's reason; GPT-2's n_positions is 1024
    usageError(
        Cli.run("plan", "--model", "gpt2", "--context", "2048"),
        "--context 2048 exceeds the context limit of model 'gpt2' (1024 tokens); add"
            + " --allow-long-context to plan it anyway");
  }

  @Test
  @Verifies("FR-PLAN-024")
  void configNamedAfterItsFile(@TempDir Path dir) throws IOException {
    Path folder = Files.createDirectories(dir.resolve("configs"));
    Path file = folder.resolve("qwen2-7b.json");
    try (InputStream in =
        io.hwledger.math.ModelCatalog.class.getResourceAsStream("catalog/models/qwen2.5-7b.json")) {
      Files.writeString(file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    Cli.Result result = Cli.run("plan", "--config", file.toString(), "--context", "4K", "--json");
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(MAPPER.readTree(result.out()).get("model").asText()).isEqualTo("qwen2-7b");
  }

  @Test
  @Verifies("FR-PLAN-025")
  void jsonReportsBothActiveConventions() throws IOException {
    // Mixtral 8x7B: vocab 32000, hidden 4096, untied; Mistral's "12.9B active" counts the
    // input embedding table, the documented `active` leaves it out.
    Cli.Result result =
        Cli.run("plan", "--model", "mixtral-8x7b-v0.1", "--context", "4K", "--json");
    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode parameters = MAPPER.readTree(result.out()).get("parameters");
    long active = parameters.get("active").asLong();
    long withEmbeddings = parameters.get("activeWithEmbeddings").asLong();
    assertThat(withEmbeddings - active).isEqualTo(32_000L * 4096);
    assertThat(Math.round(withEmbeddings / 1e8)).isEqualTo(129);

    JsonNode models = MAPPER.readTree(Cli.run("models", "--json").out()).get("models");
    for (JsonNode m : models) {
      if (m.get("id").asText().equals("mixtral-8x7b-v0.1")) {
        assertThat(m.get("parameters").get("activeWithEmbeddings").asLong())
            .isEqualTo(withEmbeddings);
      }
    }
  }
}
