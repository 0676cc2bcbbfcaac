package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input: one line on standard error, no stack trace, the documented exit code. */
@Verifies({"FR-CLI-005", "FR-CONFIG-002"})
class MainTest {
  private static final String M = "llama-3.1-8b";

  static Stream<Arguments> usageErrors() {
    return Stream.of(
        Arguments.of(new String[] {}, "a command is required"),
        Arguments.of(new String[] {"frobnicate"}, "frobnicate"),
        Arguments.of(new String[] {"plan"}, "--model"),
        Arguments.of(new String[] {"plan", "--model", M, "--frob"}, "--frob"),
        Arguments.of(
            new String[] {"plan", "--model", "no-such-model"}, "unknown model 'no-such-model'"),
        Arguments.of(
            new String[] {"plan", "--model", M, "--config", "x.json"}, "mutually exclusive"),
        Arguments.of(new String[] {"plan", "--config", "/no/such/dir/config.json"}, "no such file"),
        Arguments.of(new String[] {"plan", "--model", M, "--context", "0"}, "--context: '0'"),
        Arguments.of(new String[] {"plan", "--model", M, "--context", "-8"}, "--context: '-8'"),
        Arguments.of(new String[] {"plan", "--model", M, "--context", "1.5K"}, "--context: '1.5K'"),
        Arguments.of(
            new String[] {"plan", "--model", M, "--context", "99999999999999999999"}, "overflows"),
        Arguments.of(new String[] {"plan", "--model", M, "--context", "9000000T"}, "overflows"),
        Arguments.of(new String[] {"plan", "--model", M, "--users", "0"}, "--users: '0'"),
        Arguments.of(new String[] {"plan", "--model", M, "--users", "lots"}, "--users: 'lots'"),
        Arguments.of(new String[] {"plan", "--model", M, "--tp", "0"}, "--tp: '0'"),
        Arguments.of(new String[] {"plan", "--model", M, "--pp", "-1"}, "--pp: '-1'"),
        Arguments.of(new String[] {"plan", "--model", M, "--tp", "4294967296"}, "too large"),
        Arguments.of(
            new String[] {"plan", "--model", M, "--weights", "fp7"}, "unknown dtype 'fp7'"),
        Arguments.of(
            new String[] {"plan", "--model", M, "--kv-cache", "q9"},
            "--kv-cache: unknown dtype 'q9'"),
        Arguments.of(
            new String[] {"plan", "--model", M, "--gpu", "voodoo-3"}, "unknown GPU 'voodoo-3'"),
        Arguments.of(
            new String[] {"plan", "--model", M, "--gpu", "h100-sxm-80gb", "--memory", "80GiB"},
            "mutually exclusive"),
        Arguments.of(new String[] {"plan", "--model", M, "--memory", "0"}, "--memory: '0'"),
        Arguments.of(new String[] {"plan", "--model", M, "--memory", "80GB2"}, "--memory: '80GB2'"),
        Arguments.of(new String[] {"models", "--frob"}, "--frob"),
        // A pure SSM model has no context limit to default to.
        Arguments.of(new String[] {"plan", "--model", "mamba-2.8b"}, "--context is required"),
        // Llama 3.1 8B has 32 layers: no engine runs a stage without one (FR-PLAN-024).
        Arguments.of(new String[] {"plan", "--model", M, "--pp", "33"}, "33"));
  }

  @ParameterizedTest
  @MethodSource("usageErrors")
  void usageErrorsExitWithTwo(String[] args, String expected) {
    assertOneLineError(Cli.run(args), 2, expected);
  }

  static Stream<Arguments> failedRequests() {
    return Stream.of(
        // 2^62 users of a 131072-token cache overflow a 64-bit byte count.
        Arguments.of(
            new String[] {"plan", "--model", M, "--users", "4611686018427387904"}, "overflow"));
  }

  @ParameterizedTest
  @MethodSource("failedRequests")
  void failedRequestsExitWithOne(String[] args, String expected) {
    assertOneLineError(Cli.run(args), 1, expected);
  }

  @Test
  void malformedConfigIsOneLine(@TempDir Path dir) throws IOException {
    Path config = dir.resolve("config.json");
    Files.writeString(config, "{\"hidden_size\": 4096,", StandardCharsets.UTF_8);
    assertOneLineError(Cli.run("plan", "--config", config.toString()), 1, config.toString());
    assertThat(Cli.run("plan", "--config", config.toString()).err()).contains("malformed");
  }

  @Test
  void incompleteConfigNamesTheMissingField(@TempDir Path dir) throws IOException {
    Path config = dir.resolve("config.json");
    Files.writeString(
        config,
        "{\"architectures\": [\"LlamaForCausalLM\"], \"model_type\": \"llama\","
            + " \"intermediate_size\": 512, \"num_hidden_layers\": 2,"
            + " \"num_attention_heads\": 4, \"num_key_value_heads\": 2, \"vocab_size\": 1000,"
            + " \"max_position_embeddings\": 2048}",
        StandardCharsets.UTF_8);
    assertOneLineError(Cli.run("plan", "--config", config.toString()), 1, "hidden_size");
  }

  @Test
  void directoryWithoutConfigIsAUsageError(@TempDir Path dir) {
    assertOneLineError(Cli.run("plan", "--config", dir.toString()), 2, "no such file");
  }

  @Test
  void debugPrintsTheStackTrace() {
    Cli.Result result = Cli.run("plan", "--model", M, "--users", "4611686018427387904", "--debug");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("hwledger: ").contains("\tat ");
  }

  @Test
  void helpAndVersionSucceed() {
    Cli.Result help = Cli.run("plan", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out())
        .contains("--model", "--config", "--context", "--users", "--weights", "--kv-cache")
        .contains("--tp", "--pp", "--gpu", "--memory", "--layers", "--json");
    Cli.Result version = Cli.run("--version");
    assertThat(version.exitCode()).isZero();
    assertThat(version.out()).startsWith("hwledger ");
  }

  private static void assertOneLineError(Cli.Result result, int exitCode, String expected) {
    assertThat(result.exitCode()).as(result.err()).isEqualTo(exitCode);
    assertThat(result.out()).isEmpty();
    String err = result.err();
    assertThat(err).endsWith("\n");
    assertThat(err.strip()).doesNotContain("\n").startsWith("hwledger: ").contains(expected);
    assertThat(err).doesNotContain("Exception", "at io.", "\tat ");
  }
}
