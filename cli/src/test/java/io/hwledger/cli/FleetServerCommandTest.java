package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.spi.GpuBackends;
import io.hwledger.testsupport.Verifies;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hwledger fleet server}, run in-process on a thread and stopped by interrupting it. */
@Verifies({"FR-CLI-009", "FR-CLI-005"})
class FleetServerCommandTest {
  private static final String PASSPHRASE = "server command test passphrase";
  private static final Pattern LISTENING =
      Pattern.compile(
          "fleet server listening on 127\\.0\\.0\\.1:(\\d+); agents and operators dial"
              + " (https://127\\.0\\.0\\.1:(\\d+))\n");

  @TempDir Path tmp;

  @Test
  void servesTheFleetUntilInterruptedAndTheOperatorCommandsReachIt() throws Exception {
    Path fleet = tmp.resolve("fleet");
    Cli.Result init =
        Cli.runWithEnv(
            Map.of(FleetContext.PASSPHRASE_ENV, PASSPHRASE),
            "fleet",
            "init",
            fleet.toString(),
            "--fleet-id",
            "served",
            "--url",
            "https://127.0.0.1:8443");
    assertThat(init.exitCode()).as(init.err()).isZero();
    Path passphrase = tmp.resolve("passphrase");
    Files.writeString(passphrase, PASSPHRASE + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(passphrase, PosixFilePermissions.fromString("rw-------"));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread serving =
        new Thread(
            () -> {
              try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                  PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                exit.set(
                    Main.run(
                        new Streams(o, e, true),
                        GpuBackends::discover,
                        Map.of(),
                        "fleet",
                        "server",
                        fleet.toString(),
                        "--bind",
                        "127.0.0.1",
                        "--port",
                        "0",
                        "--passphrase-file",
                        passphrase.toString()));
              }
            },
            "fleet-server-command");
    serving.start();
    try {
      Matcher listening = LISTENING.matcher("");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!listening.reset(out.toString(StandardCharsets.UTF_8)).matches()
          && serving.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(listening.matches()).as(out + "\n" + err).isTrue();
      assertThat(listening.group(3)).isEqualTo(listening.group(1));

      Files.writeString(
          fleet.resolve("admin/server.url"), listening.group(2) + "\n", StandardCharsets.US_ASCII);
      Cli.Result status =
          Cli.runWithEnv(
              Map.of(FleetContext.ADMIN_ENV, fleet.resolve("admin").toString()),
              "fleet",
              "status",
              "--json");
      assertThat(status.exitCode()).as(status.err()).isZero();
      assertThat(new ObjectMapper().readTree(status.out()).path("fleet").asText())
          .isEqualTo("served");
    } finally {
      serving.interrupt();
      serving.join(TimeUnit.SECONDS.toMillis(60));
    }
    assertThat(serving.isAlive()).isFalse();
    assertThat(exit.get()).as(err.toString(StandardCharsets.UTF_8)).isZero();
    // what the server logged came out as hwledger: lines, never a stack trace
    assertThat(err.toString(StandardCharsets.UTF_8).lines())
        .allMatch(line -> line.startsWith("hwledger: "));
  }

  @Test
  void aDirectoryWithoutAFleetIsRefused() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));

    Cli.Result r =
        Cli.runWithEnv(
            Map.of(FleetContext.PASSPHRASE_ENV, PASSPHRASE),
            "fleet",
            "server",
            empty.toString(),
            "--port",
            "0");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).contains("no fleet in " + empty);
  }

  @Test
  void aWrongPassphraseIsAOneLineFailure() throws Exception {
    Path fleet = tmp.resolve("fleet");
    assertThat(
            Cli.runWithEnv(
                    Map.of(FleetContext.PASSPHRASE_ENV, PASSPHRASE),
                    "fleet",
                    "init",
                    fleet.toString(),
                    "--fleet-id",
                    "wrong",
                    "--url",
                    "https://127.0.0.1:8443")
                .exitCode())
        .isZero();

    Cli.Result r =
        Cli.runWithEnv(
            Map.of(FleetContext.PASSPHRASE_ENV, "not the passphrase at all"),
            "fleet",
            "server",
            fleet.toString(),
            "--bind",
            "127.0.0.1",
            "--port",
            "0");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).contains("passphrase does not open").doesNotContain("not the passphrase");
  }
}
