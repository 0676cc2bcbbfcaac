package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.math.ModelCatalog;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@Verifies({"FR-CLI-002", "FR-CATALOG-001", "FR-PLAN-001"})
class ModelsCommandTest {

  private static Map<String, JsonNode> modelsById() throws IOException {
    Cli.Result result = Cli.run("models", "--json");
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err()).isEmpty();
    Map<String, JsonNode> byId = new HashMap<>();
    for (JsonNode model : new ObjectMapper().readTree(result.out()).get("models")) {
      byId.put(model.get("id").asText(), model);
    }
    return byId;
  }

  @Test
  void jsonListsTheWholeCatalog() throws IOException {
    List<String> ids = new ArrayList<>();
    ModelCatalog.builtIn().entries().forEach(e -> ids.add(e.id()));
    assertThat(modelsById().keySet()).containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void llama31_8bIsADenseAttentionModel() throws IOException {
    JsonNode llama = modelsById().get("llama-3.1-8b");
    assertThat(llama.get("name").asText()).isEqualTo("Llama 3.1 8B");
    assertThat(llama.get("parameters").get("total").asLong()).isEqualTo(8_030_261_248L);
    // Active leaves out the input embedding table, 128256 · 4096.
    assertThat(llama.get("parameters").get("active").asLong())
        .isEqualTo(8_030_261_248L - 128_256L * 4096);
    assertThat(llama.get("layers").asInt()).isEqualTo(32);
    assertThat(llama.get("contextLimit").asLong()).isEqualTo(131_072L);
    assertThat(llama.get("mixers")).extracting(JsonNode::asText).containsExactly("attention");
    assertThat(llama.get("moe").asBoolean()).isFalse();
  }

  @Test
  void mixtralIsMoeWithFewerActiveParameters() throws IOException {
    JsonNode mixtral = modelsById().get("mixtral-8x7b-v0.1");
    assertThat(mixtral.get("moe").asBoolean()).isTrue();
    // Mistral's announcement: 46.7B total, 12.9B active; Mistral's active count includes the
    // input embedding table (32000 · 4096), which ours leaves out.
    long total = mixtral.get("parameters").get("total").asLong();
    long active = mixtral.get("parameters").get("active").asLong();
    assertThat(Math.round(total / 1e8)).isEqualTo(467);
    assertThat(Math.round((active + 32_000L * 4096) / 1e8)).isEqualTo(129);
  }

  @Test
  void mambaHasNoContextLimitAndNoAttention() throws IOException {
    JsonNode mamba = modelsById().get("mamba-2.8b");
    assertThat(mamba.get("contextLimit").isNull()).isTrue();
    assertThat(mamba.get("mixers")).extracting(JsonNode::asText).containsExactly("mamba1");
    assertThat(mamba.get("moe").asBoolean()).isFalse();
  }

  @Test
  void tableHasOneRowPerModel() {
    Cli.Result result = Cli.run("models");
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out().lines().findFirst().orElseThrow())
        .startsWith("ID")
        .contains("NAME", "PARAMS", "ACTIVE", "LAYERS", "CONTEXT", "MIXERS", "MOE");
    assertThat(result.out())
        .containsPattern(
            "(?m)^llama-3\\.1-8b\\s+Llama 3\\.1 8B\\s+8\\.03B\\s+7\\.50B\\s+32\\s+131072\\s+attention\\s+no$");
    int entries = ModelCatalog.builtIn().entries().size();
    assertThat(result.out().lines().filter(l -> l.matches("^[a-z0-9][^ ]* .*(yes|no)$")))
        .hasSize(entries);
  }
}
