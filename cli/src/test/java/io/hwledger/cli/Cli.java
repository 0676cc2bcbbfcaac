package io.hwledger.cli;

import io.hwledger.spi.GpuBackends;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs the command line in-process with captured streams. */
final class Cli {
  private Cli() {}

  /** What one run printed and returned. */
  record Result(int exitCode, String out, String err) {}

  static Result run(String... args) {
    return runWithInput("", args);
  }

  /** Runs with {@code stdin} (UTF-8) as standard input. */
  static Result runWithInput(String stdin, String... args) {
    return runWithBytes(stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  /**
   * Runs with {@code env} as the whole environment: nothing of the real one ({@code
   * HWLEDGER_FLEET_ADMIN}, {@code HWLEDGER_FLEET_PASSPHRASE}) leaks in.
   */
  static Result runWithEnv(Map<String, String> env, String... args) {
    return runWithEnvAndInput(env, "", args);
  }

  /** {@link #runWithEnv} with {@code stdin} (UTF-8) as standard input. */
  static Result runWithEnvAndInput(Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      Streams io =
          new Streams(
              o, e, true, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false);
      code = Main.run(io, GpuBackends::discover, env, args);
    }
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Runs with {@code stdin} as the bytes of standard input. */
  static Result runWithBytes(byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(new ByteArrayInputStream(stdin), o, e, args);
    }
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
