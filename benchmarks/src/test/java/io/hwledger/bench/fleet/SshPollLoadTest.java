package io.hwledger.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.testsupport.Verifies;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The SSH polling harness run tiny, so that the build keeps it compiling and working: five loopback
 * SSH servers polled for two rounds. Only what cannot be faked is asserted — every poll answered,
 * one session per host on both sides, every command counted by the client and by the servers —
 * never a timing.
 */
@Verifies("FR-FLEET-046")
class SshPollLoadTest {
  /** Tests run in benchmarks/, so the recording is one level up. */
  private static final Path RECORDING =
      Path.of("../spi-nvidia/src/test/resources/nvidia-smi/h100-a100.csv");

  /**
   * The probe's commands for the recorded host (a Linux host with nvidia-smi only), counted by hand
   * from HostProbe, NvidiaProbe and AmdProbe: uname, getconf, grep MemTotal (the host's facts), the
   * nvidia-smi GPU query (two GPUs), the nvidia-smi compute-apps query (run because there are GPUs;
   * unanswered, so "not found"), rocm-smi ("not found", so no KFD topology read): 6.
   */
  private static final int COMMANDS_PER_POLL = 6;

  @Test
  void fiveTargetsForTwoRoundsAreAllPolledOverOneSessionEach() throws Exception {
    SshPollOptions options =
        SshPollOptions.parse(
            "--targets",
            "5",
            "--rounds",
            "2",
            "--concurrency",
            "2",
            "--nvidia-smi",
            RECORDING.toString());

    SshPollReport r =
        SshPollLoad.run(options, SshPollLoad.recording(options.nvidiaSmi()), System.out);
    System.out.print(r.text());

    assertThat(r.polled).isEqualTo(5 * 2);
    assertThat(r.failed).isZero();
    assertThat(r.gpus).isEqualTo(5 * 2 * 2); // the recording's H100 and A100, every poll
    assertThat(r.sessions.sessionsOpened()).isEqualTo(5);
    assertThat(r.sessions.sessionsReopened()).isZero();
    assertThat(r.serverSessions).hasSize(5).containsOnly(1);
    assertThat(r.sessions.commandsRun()).isEqualTo(5 * 2 * COMMANDS_PER_POLL);
    assertThat(r.serverCommands).isEqualTo(5 * 2 * COMMANDS_PER_POLL);
  }
}
