package io.hwledger.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.bench.fleet.LoadStats.Kind;
import io.hwledger.testsupport.Verifies;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load harness run tiny, so that the build keeps it compiling and working: five agents for
 * three seconds against a real server. Only what cannot be faked is asserted — every agent
 * enrolled, the server counting their GPUs and streams, every request answered, the ledger
 * verifying and holding one daily summary per GPU — never a timing.
 */
@Verifies("FR-FLEET-030")
class FleetLoadTest {
  @TempDir Path dir;

  @Test
  void fiveAgentsForThreeSecondsAreAllEnrolledAnsweredAndRecorded() throws Exception {
    LoadOptions options =
        LoadOptions.parse(
            "--agents", "5",
            "--warmup", "1",
            "--duration", "3",
            "--jobs", "2",
            "--senders", "4",
            "--enrollers", "2",
            "--profile-hz", "10",
            "--dir", dir.toString());

    LoadReport r = FleetLoad.run(options, System.out);
    System.out.print(r.text());

    assertThat(r.agents).isEqualTo(5);
    assertThat(r.stats.errors()).isEmpty();
    assertThat(r.snapshots).isEqualTo(5);
    assertThat(r.status.path("gpus").asLong()).isEqualTo(5 * 8);
    assertThat(r.status.path("agents").path("READY").asLong()).isEqualTo(5);
    assertThat(r.status.path("watchStreams").asInt()).isEqualTo(5);
    assertThat(r.watchesOpenClient).isEqualTo(5);
    assertThat(r.stats.ok(Kind.TELEMETRY)).isGreaterThanOrEqualTo(5);
    assertThat(r.stats.ok(Kind.JOB))
        .isEqualTo(r.stats.jobsPlaced.sum() + r.stats.jobsRefused.sum());
    assertThat(r.stats.ok(Kind.JOB)).isPositive();

    assertThat(r.ledgerVerified).isTrue();
    assertThat(r.ledgerVerifiedRecords).isEqualTo(r.ledger.records);
    assertThat(r.ledger.frameBytes).isEqualTo(r.ledger.segmentBytes);
    assertThat(r.ledger.phase("setup", "fleet.agent.enrolled").records).isEqualTo(5);
    assertThat(r.ledger.phase("setup", "fleet.agent.inventory").records).isEqualTo(5);
    // midnight falls inside the run: every GPU's day ends once, one summary each
    long daily =
        r.ledger.phase("run", "fleet.gpu.daily").records
            + r.ledger.phase("after", "fleet.gpu.daily").records;
    assertThat(daily).isEqualTo(5 * 8);
    assertThat(r.ledger.phase("run", "fleet.job.placed").records)
        .isEqualTo(r.stats.jobsPlaced.sum());
    assertThat(r.bytesPerAgentHour).isPositive();
  }
}
