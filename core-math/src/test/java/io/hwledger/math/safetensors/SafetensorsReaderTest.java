package io.hwledger.math.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.api.ModelConfigException;
import io.hwledger.api.ModelSpec;
import io.hwledger.math.CheckpointWeights;
import io.hwledger.math.fixtures.SafetensorsWriter;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Verifies({"FR-SAFETENSORS-001", "FR-PLAN-001"})
class SafetensorsReaderTest {
  @TempDir Path dir;

  /** A two-layer toy decoder: hidden 8, FFN 16, vocabulary 32, F16. */
  private static SafetensorsWriter toy(boolean untied) {
    SafetensorsWriter w =
        new SafetensorsWriter()
            .metadata("format", "pt")
            .tensor("model.embed_tokens.weight", "F16", 32, 8); // 512 B
    for (int i = 0; i < 2; i++) {
      String p = "model.layers." + i + ".";
      w.tensor(p + "self_attn.q_proj.weight", "F16", 8, 8) // 128 B
          .tensor(p + "mlp.up_proj.weight", "F16", 16, 8) // 256 B
          .tensor(p + "input_layernorm.weight", "F32", 8); // 32 B
    }
    w.tensor("model.norm.weight", "F32", 8); // 32 B
    if (untied) {
      w.tensor("lm_head.weight", "F16", 32, 8); // 512 B
    }
    return w;
  }

  @Test
  void singleFileTiedHead() throws IOException {
    Path file = toy(false).write(dir.resolve("model.safetensors"));

    SafetensorsCheckpoint ckpt = SafetensorsReader.read(file);

    assertThat(ckpt.source()).isEqualTo(file);
    assertThat(ckpt.files()).hasSize(1);
    SafetensorsFile f = ckpt.files().get(0);
    assertThat(f.metadata()).isEqualTo(Map.of("format", "pt"));
    // 512 + 2 · (128 + 256 + 32) + 32 = 1,376 B of data
    assertThat(f.dataBytes()).isEqualTo(1_376);
    assertThat(f.fileBytes()).isEqualTo(Files.size(file));
    assertThat(ckpt.totalBytes()).isEqualTo(1_376);
    // 256 + 2 · (64 + 128 + 8) + 8 = 664 elements
    assertThat(ckpt.parameters()).isEqualTo(664);
    assertThat(ckpt.tensors()).hasSize(8);

    SafetensorsTensor up = ckpt.tensor("model.layers.1.mlp.up_proj.weight").orElseThrow();
    assertThat(up.dtype()).isEqualTo(SafetensorsDtype.F16);
    assertThat(up.shape()).containsExactly(16L, 8L);
    assertThat(up.file()).isEqualTo(file);
    // embed 512, layer 0 416, q_proj of layer 1 128: up_proj starts at 1,056
    assertThat(up.dataBegin()).isEqualTo(1_056);
    assertThat(up.dataEnd()).isEqualTo(1_312);
    assertThat(up.bytes()).isEqualTo(256);
    assertThat(up.elements()).isEqualTo(128);

    CheckpointWeights w = ckpt.checkpointWeights();
    assertThat(w.format()).isEqualTo("safetensors");
    assertThat(w.embeddingBytes()).isEqualTo(512);
    assertThat(w.outputBytes()).isZero();
    assertThat(w.otherBytes()).isEqualTo(32);
    assertThat(w.layerBytes()).containsExactly(416L, 416L);
    assertThat(w.parameters()).isEqualTo(664);
    assertThat(w.totalBytes()).isEqualTo(1_376);
  }

  @Test
  void untiedHeadIsOutput() throws IOException {
    toy(true).write(dir.resolve("model.safetensors"));

    CheckpointWeights w = SafetensorsReader.read(dir).checkpointWeights();

    assertThat(w.outputBytes()).isEqualTo(512);
    assertThat(w.embeddingBytes()).isEqualTo(512);
    assertThat(w.totalBytes()).isEqualTo(1_888);
  }

  @Test
  void directoryPrefersTheIndex() throws IOException {
    SafetensorsWriter a =
        new SafetensorsWriter()
            .tensor("model.embed_tokens.weight", "BF16", 32, 8) // 512 B
            .tensor("model.layers.0.mlp.down_proj.weight", "BF16", 8, 16); // 256 B
    SafetensorsWriter b =
        new SafetensorsWriter()
            .tensor("model.layers.1.mlp.down_proj.weight", "BF16", 8, 16) // 256 B
            .tensor("model.norm.weight", "BF16", 8) // 16 B
            .tensor("lm_head.weight", "BF16", 32, 8); // 512 B
    Path second = b.write(dir.resolve("model-00002-of-00002.safetensors"));
    Path first = a.write(dir.resolve("model-00001-of-00002.safetensors"));
    writeIndex(
        dir,
        Map.of(
            "model.embed_tokens.weight", first,
            "model.layers.0.mlp.down_proj.weight", first,
            "model.layers.1.mlp.down_proj.weight", second,
            "model.norm.weight", second,
            "lm_head.weight", second));
    // A stray single file must not win over the index.
    new SafetensorsWriter().tensor("x", "U8", 1).write(dir.resolve("model.safetensors"));

    SafetensorsCheckpoint ckpt = SafetensorsReader.read(dir);

    assertThat(ckpt.source()).isEqualTo(dir.resolve("model.safetensors.index.json"));
    assertThat(ckpt.files()).extracting(SafetensorsFile::path).containsExactly(first, second);
    assertThat(ckpt.tensor("lm_head.weight").orElseThrow().file()).isEqualTo(second);
    assertThat(ckpt.tensor("lm_head.weight").orElseThrow().dataBegin()).isEqualTo(272);
    // 512 + 256 + 256 + 16 + 512
    assertThat(ckpt.totalBytes()).isEqualTo(1_552);
    CheckpointWeights w = ckpt.checkpointWeights();
    assertThat(w.layerBytes()).containsExactly(256L, 256L);
    assertThat(w.otherBytes()).isEqualTo(16);
    assertThat(w.outputBytes()).isEqualTo(512);
    assertThat(SafetensorsReader.read(dir.resolve("model.safetensors.index.json")).totalBytes())
        .isEqualTo(1_552);
  }

  @Test
  void layerAssignmentAcrossNamingSchemes() throws IOException {
    Path file =
        new SafetensorsWriter()
            .tensor("transformer.word_embeddings.weight", "F16", 4, 4) // 32 B, embedding
            .tensor("transformer.h.0.self_attention.dense.weight", "F16", 4, 4) // 32 B, layer 0
            .tensor("transformer.h.1.self_attention.dense.weight", "F16", 4, 4) // 32 B, layer 1
            .tensor("transformer.h.10.mlp.weight", "F16", 2) // 4 B, past 2 layers: other
            .tensor("transformer.ln_f.weight", "F16", 4) // 8 B, other
            .tensor("vision_tower.encoder.layers.0.fc.weight", "F16", 4) // 8 B, other
            .write(dir.resolve("m.safetensors"));

    CheckpointWeights w = SafetensorsReader.read(file).checkpointWeights(2);

    assertThat(w.embeddingBytes()).isEqualTo(32);
    assertThat(w.layerBytes()).containsExactly(32L, 32L);
    assertThat(w.otherBytes()).isEqualTo(20);
    assertThat(w.outputBytes()).isZero();
  }

  @Test
  void multimodalWrapperKeepsVisionInOther() throws IOException {
    Path file =
        new SafetensorsWriter()
            .tensor("model.language_model.embed_tokens.weight", "BF16", 8, 4) // 64 B
            .tensor("model.language_model.layers.0.mlp.gate_proj.weight", "BF16", 4, 4) // 32 B
            .tensor("model.vision_tower.encoder.layers.0.mlp.fc1.weight", "BF16", 4, 4) // 32 B
            .tensor("model.multi_modal_projector.linear.weight", "BF16", 4) // 8 B
            .tensor("lm_head.weight", "BF16", 8, 4) // 64 B
            .write(dir.resolve("model.safetensors"));

    CheckpointWeights w = SafetensorsReader.read(file).checkpointWeights();

    assertThat(w.embeddingBytes()).isEqualTo(64);
    assertThat(w.layerBytes()).containsExactly(32L);
    assertThat(w.otherBytes()).isEqualTo(40);
    assertThat(w.outputBytes()).isEqualTo(64);
  }

  @Test
  void multiTokenPredictionLayerPastTheDecoderIsOther() throws IOException {
    // DeepSeek-V3 stores its MTP module as model.layers.61 of a 61-layer decoder; here layer 2
    // of a 2-layer one.
    Path file =
        new SafetensorsWriter()
            .tensor("model.layers.0.w", "BF16", 4) // 8 B
            .tensor("model.layers.1.w", "BF16", 4) // 8 B
            .tensor("model.layers.2.eh_proj.weight", "BF16", 8) // 16 B
            .write(dir.resolve("model.safetensors"));

    CheckpointWeights w = SafetensorsReader.read(file).checkpointWeights(2);

    assertThat(w.layerBytes()).containsExactly(8L, 8L);
    assertThat(w.otherBytes()).isEqualTo(16);
  }

  /**
   * Llama-3.1-8B with every tensor at its real shape in bf16 (header only; the data section is a
   * sparse extension of the file). The Hub reports 8,030,261,248 safetensors parameters; in bf16
   * that is 16,060,522,496 bytes.
   */
  @Test
  void llama31With8bShapesMatchesThePublishedCount() throws IOException {
    SafetensorsWriter w =
        new SafetensorsWriter().tensor("model.embed_tokens.weight", "BF16", 128_256, 4_096);
    for (int i = 0; i < 32; i++) {
      String p = "model.layers." + i + ".";
      w.tensor(p + "input_layernorm.weight", "BF16", 4_096)
          .tensor(p + "mlp.down_proj.weight", "BF16", 4_096, 14_336)
          .tensor(p + "mlp.gate_proj.weight", "BF16", 14_336, 4_096)
          .tensor(p + "mlp.up_proj.weight", "BF16", 14_336, 4_096)
          .tensor(p + "post_attention_layernorm.weight", "BF16", 4_096)
          .tensor(p + "self_attn.k_proj.weight", "BF16", 1_024, 4_096)
          .tensor(p + "self_attn.o_proj.weight", "BF16", 4_096, 4_096)
          .tensor(p + "self_attn.q_proj.weight", "BF16", 4_096, 4_096)
          .tensor(p + "self_attn.v_proj.weight", "BF16", 1_024, 4_096);
    }
    w.tensor("model.norm.weight", "BF16", 4_096).tensor("lm_head.weight", "BF16", 128_256, 4_096);
    Path ckptDir = dir.resolve("Llama-3.1-8B");
    w.write(ckptDir.resolve("model.safetensors"));
    copyCatalogConfig("llama-3.1-8b", ckptDir);

    SafetensorsCheckpoint ckpt = SafetensorsReader.read(ckptDir);

    assertThat(ckpt.parameters()).isEqualTo(8_030_261_248L);
    assertThat(ckpt.totalBytes()).isEqualTo(16_060_522_496L);
    ModelSpec spec = ckpt.modelSpec();
    assertThat(spec.name()).isEqualTo("Llama-3.1-8B");
    assertThat(spec.layerCount()).isEqualTo(32);
    CheckpointWeights weights = ckpt.checkpointWeights();
    // 128,256 · 4,096 · 2 B
    assertThat(weights.embeddingBytes()).isEqualTo(1_050_673_152L);
    assertThat(weights.outputBytes()).isEqualTo(1_050_673_152L);
    assertThat(weights.otherBytes()).isEqualTo(8_192L);
    // per layer (2·4096² + 2·1024·4096 + 3·14336·4096 + 2·4096) · 2 B = 218,112,000 · 2 B
    assertThat(weights.layerBytes()).hasSize(32).containsOnly(436_224_000L);
    assertThat(weights.totalBytes()).isEqualTo(16_060_522_496L);
  }

  @Test
  void modelSpecNeedsConfigJson() throws IOException {
    Path file = toy(false).write(dir.resolve("model.safetensors"));

    assertThatThrownBy(() -> SafetensorsReader.read(file).modelSpec())
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(
            file + ": no config.json beside the checkpoint; the model's structure needs it");
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> SafetensorsReader.read(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("path");
  }

  static void copyCatalogConfig(String id, Path toDir) throws IOException {
    String resource = "/io/hwledger/math/catalog/models/" + id + ".json";
    try (InputStream in = SafetensorsReaderTest.class.getResourceAsStream(resource)) {
      Files.createDirectories(toDir);
      Files.copy(Objects.requireNonNull(in, resource), toDir.resolve("config.json"));
    }
  }

  static void writeIndex(Path dir, Map<String, Path> weightMap) throws IOException {
    StringBuilder json = new StringBuilder("{\"metadata\":{\"total_size\":0},\"weight_map\":{");
    String sep = "";
    for (Map.Entry<String, Path> e : new java.util.TreeMap<>(weightMap).entrySet()) {
      json.append(sep)
          .append('"')
          .append(e.getKey())
          .append("\":\"")
          .append(e.getValue().getFileName())
          .append('"');
      sep = ",";
    }
    Files.writeString(
        dir.resolve("model.safetensors.index.json"),
        json.append("}}").toString(),
        StandardCharsets.UTF_8);
  }
}
