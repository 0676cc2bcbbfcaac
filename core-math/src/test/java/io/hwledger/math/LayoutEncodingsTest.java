package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.api.ModelSpec;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The same hybrid written in different layout encodings (REFERENCES.md §1) must give the same
 * layers.
 */
@Verifies("FR-CONFIG-001")
class LayoutEncodingsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static ObjectNode catalogConfig(String id) throws IOException {
    try (InputStream in =
        LayoutEncodingsTest.class.getResourceAsStream(
            "/io/hwledger/math/catalog/models/" + id + ".json")) {
      return (ObjectNode) MAPPER.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void jambaPeriodsAndAnExplicitBlockListAgree() throws IOException {
    ObjectNode config = catalogConfig("jamba-1.5-mini");
    ModelSpec byPeriod = HfConfigReader.parse(config.toString(), "jamba");
    // attention where i % 8 == 4, written out as Jamba's layers_block_type list
    ArrayNode blocks = config.putArray("layers_block_type");
    for (int i = 0; i < 32; i++) {
      blocks.add(i % 8 == 4 ? "attention" : "mamba");
    }
    config.put("attn_layer_period", 3); // must be ignored: the explicit list wins
    ModelSpec byList = HfConfigReader.parse(config.toString(), "jamba");
    assertThat(byList.layers()).isEqualTo(byPeriod.layers());
  }

  @Test
  void qwen3NextIntervalAndLayerTypesAgree() throws IOException {
    ObjectNode config = catalogConfig("qwen3-next-80b-a3b-instruct");
    ModelSpec byInterval = HfConfigReader.parse(config.toString(), "qwen3-next");
    ArrayNode types = config.putArray("layer_types");
    for (int i = 0; i < 48; i++) {
      types.add((i + 1) % 4 == 0 ? "full_attention" : "linear_attention");
    }
    config.remove("full_attention_interval");
    ModelSpec byTypes = HfConfigReader.parse(config.toString(), "qwen3-next");
    assertThat(byTypes.layers()).isEqualTo(byInterval.layers());
    assertThat(byTypes.layers().stream().filter(l -> l.mixer().label().equals("attention")))
        .hasSize(12);
  }

  @Test
  void gemma3PatternAndLayerTypesAgree() throws IOException {
    ObjectNode config = catalogConfig("gemma-3-1b-it");
    ModelSpec byPattern = HfConfigReader.parse(config.toString(), "gemma3");
    int layers = byPattern.layerCount();
    ArrayNode types = config.putArray("layer_types");
    for (int i = 0; i < layers; i++) {
      types.add((i + 1) % 6 == 0 ? "full_attention" : "sliding_attention");
    }
    config.remove("sliding_window_pattern");
    ModelSpec byTypes = HfConfigReader.parse(config.toString(), "gemma3");
    assertThat(byTypes.layers()).isEqualTo(byPattern.layers());
  }
}
