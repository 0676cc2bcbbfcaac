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

/**
 * Usage errors are worded one way, {@code hwledger: <what is wrong> (try 'hwledger CMD --help')},
 * whether picocli or a command found them; unknown names get "did you mean"; a path named on the
 * command line that is not there is a usage error (exit 2), a file that is there but cannot be used
 * a failed request (exit 1).
 */
@Verifies({"FR-CLI-005", "FR-CLI-008"})
class UsageErrorsTest {
  private static final String M = "llama-3.1-8b";

  @TempDir Path tmp;

  /** Each of picocli's error classes, and a command's own, as the user sees it. */
  static Stream<Arguments> picocliErrors() {
    return Stream.of(
        // MissingParameterException: a required option
        Arguments.of(
            new String[] {"ledger", "prove", "/x", "--json"},
            "missing --seq SEQ (try 'hwledger ledger prove --help')"),
        // ... two required options
        Arguments.of(
            new String[] {"ledger", "keygen"},
            "missing --name NAME and --out KEYFILE (try 'hwledger ledger keygen --help')"),
        // ... the ledger: DIR or --store (the command checks it, worded as picocli's are)
        Arguments.of(
            new String[] {"ledger", "verify"},
            "missing one of DIR or --store STORE (try 'hwledger ledger verify --help')"),
        // ... one of an exclusive group
        Arguments.of(
            new String[] {"plan"},
            "missing one of --model ID, --config PATH, --gguf FILE or --safetensors PATH"
                + " (try 'hwledger plan --help')"),
        // ... an option's value, at the end of the line
        Arguments.of(
            new String[] {"plan", "--model"},
            "--model needs a value (ID) (try 'hwledger plan --help')"),
        // ... an option's value, followed by another option
        Arguments.of(
            new String[] {"plan", "--model", "--json"},
            "--model needs a value (ID), but the next argument is the option '--json'"
                + " (try 'hwledger plan --help')"),
        // UnmatchedArgumentException: an unknown option
        Arguments.of(
            new String[] {"plan", "--model", M, "--frob"},
            "unknown option '--frob' (try 'hwledger plan --help')"),
        Arguments.of(new String[] {"--frob"}, "unknown option '--frob' (try 'hwledger --help')"),
        // ... an unknown subcommand
        Arguments.of(
            new String[] {"frobnicate"}, "unknown command 'frobnicate' (try 'hwledger --help')"),
        // ... arguments left over
        Arguments.of(
            new String[] {"plan", "--model", M, "extra"},
            "unexpected argument 'extra' (try 'hwledger plan --help')"),
        Arguments.of(
            new String[] {"plan", "--model", M, "a", "b"},
            "unexpected arguments 'a', 'b' (try 'hwledger plan --help')"),
        // a value picocli converts to the option's type
        Arguments.of(
            new String[] {"ledger", "show", "/x", "--from", "abc"},
            "--from: 'abc' is not a whole number (try 'hwledger ledger show --help')"),
        // MutuallyExclusiveArgsException
        Arguments.of(
            new String[] {"plan", "--model", M, "--config", "x.json"},
            "--model and --config are mutually exclusive; give one of them"
                + " (try 'hwledger plan --help')"),
        Arguments.of(
            new String[] {"plan", "--model", M, "--gpu", "l4", "--memory", "24GiB"},
            "--gpu and --memory are mutually exclusive; give one of them"
                + " (try 'hwledger plan --help')"),
        // an option given twice: OverwrittenOptionException, and inside an argument group
        Arguments.of(
            new String[] {"ledger", "show", "/x", "--from", "1", "--from", "2"},
            "--from is given more than once; give it once (try 'hwledger ledger show --help')"),
        Arguments.of(
            new String[] {"plan", "--model", M, "--model", "phi-4"},
            "--model is given more than once; give it once (try 'hwledger plan --help')"),
        // no subcommand
        Arguments.of(
            new String[] {},
            "a command is required: models, plan, perf, export, ledger, cloud, devices, fleet or agent"
                + " (try 'hwledger --help')"),
        // a command's own ParameterException
        Arguments.of(
            new String[] {"devices", "--watch", "--json"},
            "--watch and --json cannot be combined (try 'hwledger devices --help')"),
        Arguments.of(
            new String[] {"devices", "--interval", "0"},
            "--interval: '0' is not a positive duration (e.g. 500ms, 2s, 1m)"
                + " (try 'hwledger devices --help')"),
        Arguments.of(
            new String[] {"plan", "--model", M, "--users", "lots"},
            "--users: 'lots' is not a positive whole number (try 'hwledger plan --help')"));
  }

  @ParameterizedTest
  @MethodSource("picocliErrors")
  void everyUsageErrorIsWordedOneWay(String[] args, String expected) {
    assertUsageError(Cli.run(args), expected);
  }

  /** Each kind of unknown name, with the suggestions written out. */
  static Stream<Arguments> suggestions() {
    return Stream.of(
        Arguments.of(
            new String[] {"plan", "--model", "llama-3.1-8 "},
            "--model: unknown model 'llama-3.1-8 '; did you mean llama-3.1-8b?"
                + " (try 'hwledger models' for every model)"),
        Arguments.of(
            new String[] {"perf", "--model", "qwen3-30b", "--gpu", "l4"},
            "--model: unknown model 'qwen3-30b'; did you mean qwen3-30b-a3b?"
                + " (try 'hwledger models' for every model)"),
        Arguments.of(
            new String[] {"plan", "--model", M, "--gpu", "h100"},
            "--gpu: unknown GPU 'h100'; did you mean h100-sxm-80gb, h100-pcie-80gb or"
                + " h100-nvl-94gb? (try 'hwledger plan --help' for every GPU)"),
        Arguments.of(
            new String[] {"perf", "--model", M, "--gpu", "4090"},
            "--gpu: unknown GPU '4090'; did you mean rtx-4090?"
                + " (try 'hwledger perf --help' for every GPU)"),
        Arguments.of(
            new String[] {"plan", "--model", M, "--weights", "bf61"},
            "--weights: unknown dtype 'bf61'; did you mean bf16?"
                + " (try 'hwledger plan --help' for every dtype)"),
        // a known family with an impossible parameter: the reason, not "unknown"
        Arguments.of(
            new String[] {"plan", "--model", M, "--weights", "int4_g3"},
            "--weights: dtype 'int4_g3': int4 group size must be a positive even number, was 3"
                + " (try 'hwledger plan --help')"),
        Arguments.of(
            new String[] {"plan", "--model", M, "--kv-cache", "fp7"},
            "--kv-cache: unknown dtype 'fp7'; did you mean fp8?"
                + " (try 'hwledger plan --help' for every dtype)"),
        Arguments.of(
            new String[] {"plan", "--model", M, "--engine", "vlm"},
            "--engine: unknown engine 'vlm'; did you mean vllm?"
                + " (try 'hwledger plan --help' for every engine)"),
        Arguments.of(
            new String[] {"perf", "--model", M, "--gpu", "l4", "--engine", "sglan"},
            "--engine: unknown engine 'sglan'; did you mean sglang?"
                + " (try 'hwledger perf --help' for every engine)"),
        Arguments.of(
            new String[] {"plna"},
            "unknown command 'plna'; did you mean plan? (try 'hwledger --help')"),
        Arguments.of(
            new String[] {"ledger", "vrify", "/x"},
            "unknown command 'vrify'; did you mean verify? (try 'hwledger ledger --help')"),
        Arguments.of(
            new String[] {"plan", "--model", M, "--contex", "8K"},
            "unknown option '--contex'; did you mean --context? (try 'hwledger plan --help')"),
        Arguments.of(
            new String[] {"plan", "--model", M, "--engine", "vllm", "--gpu-memory-utilisation=0.8"},
            "unknown option '--gpu-memory-utilisation'; did you mean --gpu-memory-utilization?"
                + " (try 'hwledger plan --help')"),
        // Nothing close: no suggestion, only where the list is.
        Arguments.of(
            new String[] {"plan", "--model", M, "--gpu", "voodoo-3"},
            "--gpu: unknown GPU 'voodoo-3' (try 'hwledger plan --help' for every GPU)"));
  }

  @ParameterizedTest
  @MethodSource("suggestions")
  void unknownNamesSuggestTheClosestKnownOnes(String[] args, String expected) {
    assertUsageError(Cli.run(args), expected);
  }

  @Test
  void theListsTheErrorsPointToAreThere() {
    String plan = Cli.run("plan", "--help").out().replaceAll("\\s+", " ");
    assertThat(plan)
        .contains("h100-sxm-80gb, h100-pcie-80gb, h100-nvl-94gb, h200-sxm-141gb")
        .contains("apple-m4-max-128gb.")
        .contains("fp32, fp16, bf16, fp8_e4m3")
        .contains("q4_k", "iq4_xs", "bfloat16")
        .contains("generic (default), vllm, llamacpp, sglang, trtllm or mlx");
    String perf = Cli.run("perf", "--help").out().replaceAll("\\s+", " ");
    assertThat(perf).contains("h100-sxm-80gb, h100-pcie-80gb", "(generic, vllm, llamacpp");
    assertThat(Cli.run("models").out()).contains("llama-3.1-8b", "qwen3-30b-a3b");
  }

  @Test
  void valuesInErrorsAreEscaped() {
    assertUsageError(
        Cli.run("plan", "--model", "llama-3.1-8\u001b[A\u202e"),
        "--model: unknown model 'llama-3.1-8\\x1b[A\\u202e'; did you mean llama-3.1-8b?"
            + " (try 'hwledger models' for every model)");
    assertUsageError(
        Cli.run("plan", "--model", "llama\u001b[2J"),
        "--model: unknown model 'llama\\x1b[2J' (try 'hwledger models' for every model)");
    assertUsageError(
        Cli.run("plan", "--model", M, "--gpu", "vo\ndoo"),
        "--gpu: unknown GPU 'vo\\ndoo' (try 'hwledger plan --help' for every GPU)");
    assertUsageError(
        Cli.run("plan", "--model", M, "--fr\u001bob"),
        "unknown option '--fr\\x1bob' (try 'hwledger plan --help')");
  }

  @Test
  void debugAddsTheStackTraceToAUsageError() {
    Cli.Result result = Cli.run("plan", "--model", M, "--contex", "8K", "--debug");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .startsWith(
            "hwledger: unknown option '--contex'; did you mean --context?"
                + " (try 'hwledger plan --help')\n")
        .contains("UnmatchedArgumentException", "\tat ");
  }

  // --- paths named on the command line ---

  @Test
  void modelFilesThatDoNotExistAreUsageErrors() {
    Path gguf = tmp.resolve("missing.gguf");
    assertUsageError(
        Cli.run("plan", "--gguf", gguf.toString()),
        "--gguf: no such file '" + gguf + "' (try 'hwledger plan --help')");
    assertUsageError(
        Cli.run("perf", "--gguf", gguf.toString(), "--gpu", "l4"),
        "--gguf: no such file '" + gguf + "' (try 'hwledger perf --help')");
    Path st = tmp.resolve("missing-dir");
    assertUsageError(
        Cli.run("plan", "--safetensors", st.toString()),
        "--safetensors: no such file or directory '" + st + "' (try 'hwledger plan --help')");
    Path config = tmp.resolve("config.json");
    assertUsageError(
        Cli.run("export", "--config", config.toString(), "--engine", "vllm"),
        "--config: no such file '" + config + "' (try 'hwledger export --help')");
    // A directory where a file is wanted.
    assertUsageError(
        Cli.run("plan", "--gguf", tmp.toString()),
        "--gguf: '" + tmp + "' is a directory, not a file (try 'hwledger plan --help')");
  }

  @Test
  void modelFilesThatExistButCannotBeReadAreFailedRequests() throws IOException {
    Path gguf = Files.writeString(tmp.resolve("bad.gguf"), "not GGUF", StandardCharsets.UTF_8);
    Cli.Result result = Cli.run("plan", "--gguf", gguf.toString());
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("hwledger: " + gguf + ": ").doesNotContain("(try '");
  }

  @Test
  void directoriesThatDoNotExistAreUsageErrors() throws IOException {
    Path missing = tmp.resolve("missing");
    Path file = Files.writeString(tmp.resolve("file.txt"), "x", StandardCharsets.UTF_8);
    assertUsageError(
        Cli.run("models", "--dir", missing.toString()),
        "--dir: no such directory '" + missing + "' (try 'hwledger models --help')");
    for (String command : new String[] {"verify", "show", "repair"}) {
      assertUsageError(
          Cli.run("ledger", command, missing.toString()),
          "DIR: no such directory '"
              + missing
              + "' (try 'hwledger ledger "
              + command
              + " --help')");
      assertUsageError(
          Cli.run("ledger", command, file.toString()),
          "DIR: '" + file + "' is not a directory (try 'hwledger ledger " + command + " --help')");
    }
    assertUsageError(
        Cli.run("ledger", "append", file.toString(), "--type", "t", "--payload", "{}"),
        "DIR: '" + file + "' is not a directory (try 'hwledger ledger append --help')");
    assertUsageError(
        Cli.run("plan", "--model", M, "--record", file.toString()),
        "--record: '" + file + "' is not a directory (try 'hwledger plan --help')");
    assertThat(missing).doesNotExist();
  }

  @Test
  void ledgerFilesThatDoNotExistAreUsageErrors() throws IOException {
    Path ledger = tmp.resolve("ledger");
    Cli.Result appended =
        Cli.run("ledger", "append", ledger.toString(), "--type", "t", "--payload", "{}");
    assertThat(appended.exitCode()).as(appended.err()).isZero();
    Path key = tmp.resolve("missing.key");
    assertUsageError(
        Cli.run("ledger", "checkpoint", ledger.toString(), "--key", key.toString()),
        "--key: no such file '" + key + "' (try 'hwledger ledger checkpoint --help')");
    assertUsageError(
        Cli.run("ledger", "checkpoint", tmp.resolve("nope").toString(), "--key", key.toString()),
        "DIR: no such directory '"
            + tmp.resolve("nope")
            + "' (try 'hwledger ledger checkpoint --help')");
    Path note = tmp.resolve("missing.note");
    Path written = Files.writeString(tmp.resolve("some.note"), "x\n", StandardCharsets.UTF_8);
    assertUsageError(
        Cli.run(
            "ledger", "verify-checkpoint", "--note", note.toString(), "--verifier-key", "k+1+AA"),
        "--note: no such file '" + note + "' (try 'hwledger ledger verify-checkpoint --help')");
    assertUsageError(
        Cli.run(
            "ledger",
            "verify-checkpoint",
            "--note",
            written.toString(),
            "--verifier-key",
            "k+1+AA",
            "--ledger",
            tmp.resolve("nope").toString()),
        "--ledger: no such directory '"
            + tmp.resolve("nope")
            + "' (try 'hwledger ledger verify-checkpoint --help')");
    // A directory that exists but holds no ledger: the request fails (exit 1).
    Cli.Result notALedger = Cli.run("ledger", "verify", tmp.toString());
    assertThat(notALedger.exitCode()).isEqualTo(1);
    assertThat(notALedger.err())
        .isEqualTo("hwledger: no ledger at " + tmp + " (no segments directory)\n");
  }

  private static void assertUsageError(Cli.Result result, String expected) {
    assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).isEqualTo("hwledger: " + expected + "\n");
  }
}
