package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.api.ModelConfigException;
import io.hwledger.testsupport.Verifies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile {@code config.json} files: each is refused with one exact line, allocating nothing from
 * the counts it claims and reading nothing that is not a regular file.
 */
@Verifies({"FR-CONFIG-003", "FR-HOSTILE-002"})
class HostileConfigTest {
  // 63 + 75 + 76 = 214 characters, on one line.
  private static final String LLAMA =
      "{\"model_type\":\"llama\",\"hidden_size\":4096,\"num_hidden_layers\":2,"
          + "\"num_attention_heads\":32,\"num_key_value_heads\":8,\"intermediate_size\":14336,"
          + "\"vocab_size\":128256,\"max_position_embeddings\":8192,\"torch_dtype\":\"bfloat16\"}";

  @TempDir Path dir;

  private static void assertRefused(String json, String message) {
    assertThatThrownBy(() -> HfConfigReader.parse(json, "m"))
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(message);
  }

  @Test
  void theValidConfigUsedHereIsRead() {
    assertThat(HfConfigReader.parse(LLAMA, "m").layerCount()).isEqualTo(2);
  }

  @Test
  void trailingGarbageIsRefused() {
    // The object ends at column 214; a space, then "garbage" from column 216.
    assertThat(LLAMA).hasSize(214);
    assertRefused(
        LLAMA + " garbage",
        "config.json: malformed JSON at line 1, column 216: Unrecognized token 'garbage': was"
            + " expecting (JSON String, Number (or 'NaN'/'+INF'/'-INF'), Array, Object or token"
            + " 'null', 'true' or 'false')");
  }

  @Test
  void aSecondObjectIsRefused() {
    assertRefused(
        LLAMA + LLAMA,
        "config.json: malformed JSON at line 1, column 215: content after the top-level value");
    assertRefused(
        LLAMA + "\n[]\n",
        "config.json: malformed JSON at line 2, column 1: content after the top-level value");
  }

  @Test
  void duplicateKeysAreRefused() {
    assertRefused(
        LLAMA.replace("{\"model_type\"", "{\"num_hidden_layers\":80,\"model_type\""),
        // the second "num_hidden_layers" ends after 1 + 23 + 40 + 19 = 83 characters
        "config.json: malformed JSON at line 1, column 84: Duplicate field 'num_hidden_layers'");
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aHugeLayerCountIsRefusedBeforeAnythingIsAllocated() {
    assertRefused(
        LLAMA.replace("\"num_hidden_layers\":2", "\"num_hidden_layers\":2147483647"),
        "config.json: 'num_hidden_layers' is 2147483647, more than the limit of 1024 layers");
    assertRefused(
        LLAMA.replace("\"num_hidden_layers\":2", "\"n_layer\":1025"),
        "config.json: 'n_layer' is 1025, more than the limit of 1024 layers");
  }

  @Test
  void aLayoutLongerThanTheLayerLimitIsRefused() {
    String pattern = "M".repeat(2000);
    assertRefused(
        "{\"model_type\":\"nemotron_h\",\"hidden_size\":64,\"vocab_size\":10,"
            + "\"hybrid_override_pattern\":\""
            + pattern
            + "\"}",
        "config.json: 'hybrid_override_pattern' has 2000 entries, more than the limit of 1024"
            + " layers");
  }

  @Test
  void headCountsNoEngineCanBuildAreRefused() {
    assertRefused(
        LLAMA.replace(
            "\"num_attention_heads\":32,\"num_key_value_heads\":8",
            "\"num_attention_heads\":4,\"num_key_value_heads\":3"),
        "config.json: queryHeads (4) must be a multiple of kvHeads (3): each KV head serves an"
            + " equal group of query heads");
    assertRefused(
        LLAMA.replace("\"num_key_value_heads\":8", "\"num_key_value_heads\":64"),
        "config.json: kvHeads (64) must not exceed queryHeads (32)");
    assertRefused(
        LLAMA.replace("\"num_key_value_heads\":8", "\"num_key_value_heads\":0"),
        "config.json: 'num_key_value_heads' must be positive, was 0");
    assertRefused(
        LLAMA.replace("\"torch_dtype\"", "\"head_dim\":0,\"torch_dtype\""),
        "config.json: 'head_dim' must be positive, was 0");
  }

  @Test
  void nestingDeeperThanTheLimitIsRefused() {
    String deep = "[".repeat(100) + "]".repeat(100);
    assertThatThrownBy(() -> HfConfigReader.parse("{\"x\":" + deep + "}", "m"))
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(
            "config.json: malformed JSON: Document nesting depth (65) exceeds the maximum allowed"
                + " (64, from `StreamReadConstraints.getMaxNestingDepth()`)");
  }

  @Test
  void moreTokensThanTheLimitAreRefused() {
    // {"x":[0,0,...]} with 2^20 zeros: 2^20 + 4 tokens, one over the limit at the last zero.
    StringBuilder json = new StringBuilder("{\"x\":[");
    for (int i = 0; i < (1 << 20); i++) {
      json.append(i == 0 ? "0" : ",0");
    }
    json.append("]}");
    assertThatThrownBy(() -> HfConfigReader.parse(json.toString(), "m"))
        .isInstanceOf(ModelConfigException.class)
        .hasMessageContaining("Token count (1048577) exceeds the maximum allowed (1048576");
  }

  @Test
  void aFileOverTheSizeLimitIsRefusedUnread() throws Exception {
    Path config = dir.resolve("config.json");
    // 4 MiB + 1 byte: the object, then spaces.
    byte[] bytes = new byte[4 * 1024 * 1024 + 1];
    java.util.Arrays.fill(bytes, (byte) ' ');
    byte[] json = LLAMA.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(json, 0, bytes, 0, json.length);
    Files.write(config, bytes);
    assertThatThrownBy(() -> HfConfigReader.read(config))
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(config + ": the file is 4194305 bytes, more than the limit of 4194304");
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aFifoIsRefusedWithoutBeingOpened() throws Exception {
    Path fifo = TestFiles.fifo(dir.resolve("config.json"));
    assertThatThrownBy(() -> HfConfigReader.read(fifo))
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(fifo + ": is not a regular file (a FIFO, socket or device), so it is not read");
    assertThatThrownBy(() -> HfConfigReader.read(dir))
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(dir + ": is a directory, not a regular file");
  }

  @Test
  void invalidUtf8IsRefused() throws Exception {
    Path config = dir.resolve("config.json");
    Files.write(config, new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'});
    assertThatThrownBy(() -> HfConfigReader.read(config))
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(config + ": is not valid UTF-8");
  }

  @Test
  void controlCharactersInMessagesAreEscaped() {
    String json = LLAMA.replace("\"llama\"", "\"\\u001b[1Allama\\u202e\",\"num_experts\":8");
    assertThatThrownBy(() -> HfConfigReader.parse(json, "m"))
        .isInstanceOf(ModelConfigException.class)
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain("\u001b", "\u202e")
                    .contains("model_type '\\x1b[1allama\\u202e'"));
  }
}
