package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.api.ModelSpec;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Verifies("FR-PLAN-013")
class ModelSpecJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<String> catalogIds() {
    return ModelCatalog.builtIn().entries().stream().map(ModelCatalog.Entry::id);
  }

  @ParameterizedTest
  @MethodSource("catalogIds")
  void everyCatalogModelComesBackEqual(String id) throws IOException {
    ModelSpec model = ModelCatalog.builtIn().spec(id);
    String text = JSON.writeValueAsString(ModelSpecJson.write(model));

    assertThat(ModelSpecJson.readModel(JSON.readTree(text))).isEqualTo(model);
  }

  @ParameterizedTest
  @MethodSource("io.hwledger.math.RandomModels#models")
  void randomModelsOfEveryKindComeBackEqual(ModelSpec model) throws IOException {
    String text = JSON.writeValueAsString(ModelSpecJson.write(model));

    assertThat(ModelSpecJson.readModel(JSON.readTree(text))).isEqualTo(model);
  }

  @Test
  void llama31WithItsPublishedConfigIsOneRunOfThirtyTwoLayers() throws IOException {
    // meta-llama/Llama-3.1-8B config.json: hidden_size 4096, intermediate_size 14336,
    // num_attention_heads 32, num_key_value_heads 8, num_hidden_layers 32, vocab_size 128256,
    // max_position_embeddings 131072, torch_dtype bfloat16, rms_norm_eps (RMSNorm)
    JsonNode expected;
    try (InputStream in = getClass().getResourceAsStream("json/llama-3.1-8b.json")) {
      expected = JSON.readTree(in);
    }
    ModelSpec model = ModelCatalog.builtIn().spec("llama-3.1-8b");
    JsonNode written = JSON.readTree(JSON.writeValueAsString(ModelSpecJson.write(model)));
    ((ObjectNode) expected).put("name", model.name());

    assertThat(written).isEqualTo(expected);
    assertThat(ModelSpecJson.readModel(expected).layers()).hasSize(32);
  }

  @Test
  void checkpointWeightsComeBackEqual() throws IOException {
    CheckpointWeights weights =
        new CheckpointWeights("gguf Q4_K_M", 8_030_261_248L, 1, 2, 3, List.of(10L, 20L, 30L));
    String text = JSON.writeValueAsString(ModelSpecJson.write(weights));

    assertThat(text)
        .isEqualTo(
            "{\"format\":\"gguf Q4_K_M\",\"parameters\":8030261248,\"embeddingBytes\":1,"
                + "\"outputBytes\":2,\"otherBytes\":3,\"layerBytes\":[10,20,30]}");
    assertThat(ModelSpecJson.readWeights(JSON.readTree(text))).isEqualTo(weights);
  }

  @Test
  void badInputIsOneLineNamingTheMember() throws IOException {
    ObjectNode model = ModelSpecJson.write(ModelCatalog.builtIn().spec("llama-3.1-8b"));

    ObjectNode heads = model.deepCopy();
    ((ObjectNode) heads.at("/layers/0/mixer")).put("kvHeads", "eight");
    assertThatThrownBy(() -> ModelSpecJson.readModel(heads))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("model.layers[0].mixer.kvHeads: expected an integer, was \"eight\"");

    ObjectNode kind = model.deepCopy();
    ((ObjectNode) kind.at("/layers/0/mixer")).put("kind", "lstm");
    assertThatThrownBy(() -> ModelSpecJson.readModel(kind))
        .hasMessage(
            "model.layers[0].mixer.kind: expected one of attention, gated_delta_net,"
                + " latent_attention, mamba1, mamba2, was \"lstm\"");

    ObjectNode missing = model.deepCopy();
    missing.remove("hiddenSize");
    assertThatThrownBy(() -> ModelSpecJson.readModel(missing))
        .hasMessage("model.hiddenSize: missing");

    ObjectNode extra = model.deepCopy();
    extra.put("hidden_size", 4096);
    assertThatThrownBy(() -> ModelSpecJson.readModel(extra))
        .hasMessage("model.hidden_size: not a member");

    // the record's own rule: more KV heads than query heads (32) is refused by Attention
    ObjectNode invalid = model.deepCopy();
    ((ObjectNode) invalid.at("/layers/0/mixer")).put("kvHeads", 64);
    assertThatThrownBy(() -> ModelSpecJson.readModel(invalid))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("model.layers[0].mixer: ");

    ObjectNode dtype = model.deepCopy();
    ((ObjectNode) dtype.get("defaultPrecision")).put("weights", "fp7");
    assertThatThrownBy(() -> ModelSpecJson.readModel(dtype))
        .hasMessageStartingWith("model.defaultPrecision.weights: unknown dtype 'fp7'");
  }

  @Test
  void aRepeatCountIsBoundedByTheLayerLimit() {
    ObjectNode model = ModelSpecJson.write(ModelCatalog.builtIn().spec("llama-3.1-8b"));
    ((ObjectNode) model.at("/layers/0")).put("repeat", Integer.MAX_VALUE);

    // 1,024 layers at most (ModelSpec.MAX_LAYERS): a hostile count allocates nothing
    assertThatThrownBy(() -> ModelSpecJson.readModel(model))
        .hasMessage(
            "model.layers[0].repeat: 2147483647 layers would make 2147483647; 1 to 1024 in all");

    ((ObjectNode) model.at("/layers/0")).put("repeat", 0);
    assertThatThrownBy(() -> ModelSpecJson.readModel(model))
        .hasMessage("model.layers[0].repeat: 0 layers would make 0; 1 to 1024 in all");
  }
}
