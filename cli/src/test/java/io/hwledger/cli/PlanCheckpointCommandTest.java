package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plan --gguf} and {@code plan --safetensors} on small checkpoints written in the test. */
@Verifies({"FR-PLAN-010", "FR-CLI-001", "FR-HOSTILE-001"})
class PlanCheckpointCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  // K and V cache per token per layer: 2 KV heads × 64 × 2 (K and V) × 2 bytes (f16 for GGUF,
  // llama.cpp's default cache type; bf16 for the safetensors checkpoint) = 512 B. For 1024 tokens
  // and 2 layers: 1024 × 2 × 512 = 1,048,576 B.
  private static final long KV_BYTES_1024_TOKENS = 1_048_576L;

  @TempDir Path tmp;

  private static JsonNode json(Cli.Result result) throws IOException {
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err()).isEmpty();
    return MAPPER.readTree(result.out());
  }

  @Test
  void ggufWeightsAreItsTensorBytes() throws IOException {
    Path file = TinyLlama.gguf(tmp.resolve("tiny-llama-Q4_K_M.gguf"));

    JsonNode root = json(Cli.run("plan", "--gguf", file.toString(), "--context", "1024", "--json"));

    assertThat(root.get("model").asText()).isEqualTo("tiny-llama"); // general.name
    assertThat(root.get("modelSource").asText()).isEqualTo("gguf");
    assertThat(root.get("parameters").get("total").asLong()).isEqualTo(TinyLlama.PARAMETERS);
    assertThat(root.get("contextLimit").asLong()).isEqualTo(TinyLlama.GGUF_CONTEXT);
    // The layers' projections hold more Q4_K bytes (36,864 + 18,432 + 36,864 + 2 × 73,728 =
    // 239,616 per layer) than Q6_K (26,880 + 107,520 = 134,400): q4_k is the weights format.
    assertThat(root.get("precision").get("weights").asText()).isEqualTo("q4_k");
    JsonNode memory = root.get("memory");
    assertThat(memory.get("weightsBytes").asLong()).isEqualTo(TinyLlama.GGUF_BYTES);
    assertThat(memory.get("kvCacheBytes").asLong()).isEqualTo(KV_BYTES_1024_TOKENS);
    assertThat(root.get("perGpu").get("weightsBytes").asLong()).isEqualTo(TinyLlama.GGUF_BYTES);
    // Per-layer weights: 376,064 B each (see TinyLlama).
    for (JsonNode layer : root.get("layers")) {
      assertThat(layer.get("weightsBytes").asLong()).isEqualTo(376_064L);
    }
    assertThat(root.get("layers")).hasSize(TinyLlama.LAYERS);
  }

  @Test
  void safetensorsWeightsAreItsTensorBytes() throws IOException {
    Path dir = TinyLlama.safetensors(tmp.resolve("tiny-llama"));

    JsonNode root =
        json(Cli.run("plan", "--safetensors", dir.toString(), "--context", "1024", "--json"));

    assertThat(root.get("modelSource").asText()).isEqualTo("safetensors");
    assertThat(root.get("parameters").get("total").asLong()).isEqualTo(TinyLlama.PARAMETERS);
    assertThat(root.get("contextLimit").asLong()).isEqualTo(TinyLlama.SAFETENSORS_CONTEXT);
    assertThat(root.get("precision").get("weights").asText()).isEqualTo("bf16");
    JsonNode memory = root.get("memory");
    assertThat(memory.get("weightsBytes").asLong()).isEqualTo(TinyLlama.SAFETENSORS_BYTES);
    assertThat(memory.get("kvCacheBytes").asLong()).isEqualTo(KV_BYTES_1024_TOKENS);
    // Per layer: 590,336 parameters × 2 bytes = 1,180,672 B.
    for (JsonNode layer : root.get("layers")) {
      assertThat(layer.get("weightsBytes").asLong()).isEqualTo(1_180_672L);
    }
  }

  @Test
  void safetensorsIndexFileIsAccepted() throws IOException {
    Path dir = TinyLlama.safetensors(tmp.resolve("tiny-llama"));
    Path index = dir.resolve("model.safetensors.index.json");

    JsonNode root =
        json(Cli.run("plan", "--safetensors", index.toString(), "--context", "1024", "--json"));

    assertThat(root.get("memory").get("weightsBytes").asLong())
        .isEqualTo(TinyLlama.SAFETENSORS_BYTES);
  }

  @Test
  void ggufTextPlanNamesTheModel() throws IOException {
    Path file = TinyLlama.gguf(tmp.resolve("tiny.gguf"));

    Cli.Result result = Cli.run("plan", "--gguf", file.toString(), "--context", "1024");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.out()).startsWith("tiny-llama: ").contains("weights q4_k", "KV cache fp16");
  }

  @Test
  void truncatedGgufIsOneLineNamingTheFile() throws IOException {
    Path file = TinyLlama.gguf(tmp.resolve("truncated.gguf"));
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(100); // inside the metadata
    }

    assertOneLineError(Cli.run("plan", "--gguf", file.toString(), "--context", "1024"), file);
  }

  @Test
  void garbageGgufIsOneLineNamingTheFile() throws IOException {
    Path file = tmp.resolve("garbage.gguf");
    Files.writeString(file, "this is not a GGUF file at all\n", StandardCharsets.UTF_8);

    assertOneLineError(Cli.run("plan", "--gguf", file.toString()), file);
  }

  @Test
  void missingGgufIsOneLine() {
    Path file = tmp.resolve("missing.gguf");

    Cli.Result result = Cli.run("plan", "--gguf", file.toString());

    assertOneLineError(result, file);
    assertThat(result.err()).contains("no such file");
  }

  @Test
  void safetensorsWithoutConfigIsOneLine() throws IOException {
    Path dir = TinyLlama.safetensors(tmp.resolve("no-config"));
    Files.delete(dir.resolve("config.json"));

    Cli.Result result = Cli.run("plan", "--safetensors", dir.toString(), "--context", "1024");

    assertOneLineError(result, dir);
    assertThat(result.err()).contains("config.json");
  }

  private static void assertOneLineError(Cli.Result result, Path file) {
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .startsWith("hwledger: ")
        .contains(file.getFileName().toString())
        .doesNotContain("\tat ", "internal error")
        .endsWith("\n");
    assertThat(result.err().strip().lines()).hasSize(1);
  }
}
