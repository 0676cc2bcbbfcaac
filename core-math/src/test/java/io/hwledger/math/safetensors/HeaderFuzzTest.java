package io.hwledger.math.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.math.Fuzz;
import io.hwledger.math.fixtures.SafetensorsWriter;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated and truncated copies of a valid file and of a valid shard index, through {@link Fuzz}:
 * the reader either reads them or refuses them with one printable line ({@link
 * io.hwledger.api.ModelConfigException}), never another exception, an out-of-memory error or a
 * hang. The seed is printed; {@code -Dhwledger.fuzz.seed=N} and {@code -Dhwledger.fuzz.cases=N}
 * rerun or lengthen the run.
 */
@Verifies("FR-HOSTILE-001")
class HeaderFuzzTest {
  private static final String CONFIG =
      "{\"model_type\":\"llama\",\"hidden_size\":4,\"num_hidden_layers\":2,"
          + "\"num_attention_heads\":2,\"num_key_value_heads\":1,\"intermediate_size\":8,"
          + "\"vocab_size\":16,\"max_position_embeddings\":64,\"torch_dtype\":\"bfloat16\"}";

  @TempDir Path dir;

  private static SafetensorsWriter valid() {
    return new SafetensorsWriter()
        .metadata("format", "pt")
        .tensor("model.embed_tokens.weight", "BF16", 16, 4)
        .tensor("model.layers.0.self_attn.o_proj.qweight", "I32", 1, 4)
        .tensor("model.layers.0.self_attn.o_proj.scales", "F16", 1, 4)
        .tensor("model.layers.1.mlp.experts.down_proj_blocks", "U8", 2, 4, 1, 16)
        .tensor("model.norm.weight", "F32", 4)
        .tensor("lm_head.weight", "F8_E4M3", 16, 4);
  }

  /** The file {@code writer} writes: 8-byte length, header, zero data. */
  private static byte[] file(SafetensorsWriter writer) {
    byte[] header = writer.header().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b =
        ByteBuffer.allocate(8 + header.length + (int) writer.dataBytes())
            .order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(header.length).put(header);
    return b.array();
  }

  private void readFile(byte[] bytes, SplittableRandom r) throws IOException {
    Path file = Files.write(dir.resolve("single/model.safetensors"), bytes);
    SafetensorsCheckpoint ckpt = SafetensorsReader.read(file);
    assertThat(ckpt.totalBytes()).isEqualTo(ckpt.files().get(0).dataBytes());
    ckpt.checkpointWeights();
  }

  private void readIndex(byte[] bytes, SplittableRandom r) throws IOException {
    Path index = Files.write(dir.resolve("sharded").resolve(SafetensorsReader.INDEX_FILE), bytes);
    SafetensorsCheckpoint ckpt = SafetensorsReader.read(index);
    ckpt.checkpointWeights();
  }

  @Test
  void mutatedHeadersAndIndexesAreReadOrRefusedInOneLine() throws IOException {
    Files.createDirectories(dir.resolve("single"));
    Path sharded = Files.createDirectories(dir.resolve("sharded"));
    Files.writeString(sharded.resolve("config.json"), CONFIG);
    new SafetensorsWriter()
        .tensor("model.embed_tokens.weight", "BF16", 16, 4)
        .tensor("model.layers.0.self_attn.o_proj.weight", "BF16", 4, 4)
        .write(sharded.resolve("model-00001-of-00002.safetensors"));
    new SafetensorsWriter()
        .tensor("model.layers.1.self_attn.o_proj.weight", "BF16", 4, 4)
        .tensor("lm_head.weight", "BF16", 16, 4)
        .write(sharded.resolve("model-00002-of-00002.safetensors"));
    byte[] index =
        ("{\"metadata\":{\"total_size\":320},\"weight_map\":{"
                + "\"model.embed_tokens.weight\":\"model-00001-of-00002.safetensors\","
                + "\"model.layers.0.self_attn.o_proj.weight\":\"model-00001-of-00002.safetensors\","
                + "\"model.layers.1.self_attn.o_proj.weight\":\"model-00002-of-00002.safetensors\","
                + "\"lm_head.weight\":\"model-00002-of-00002.safetensors\"}}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] single = file(valid());
    readFile(single, new SplittableRandom(1)); // the seeds themselves are valid
    readIndex(index, new SplittableRandom(1));

    List<Fuzz.Seed> seeds =
        List.of(
            new Fuzz.Seed(
                single,
                single.length,
                ByteOrder.LITTLE_ENDIAN,
                new int[] {0},
                true,
                this::readFile),
            new Fuzz.Seed(
                index, index.length, ByteOrder.LITTLE_ENDIAN, new int[0], true, this::readIndex));
    Fuzz.Report report = Fuzz.run("safetensors", seeds, Fuzz.cases(3000));
    assertThat(report.failures()).isEmpty();
    assertThat(report.refused()).isPositive();
  }
}
