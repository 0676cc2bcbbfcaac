package io.hwledger.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testpostgres.TestPostgres;
import io.hwledger.testsupport.Verifies;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet failover harness run tiny, so that the build keeps it compiling and working: one
 * failover at a 100 ms standby poll with the follower in the test's JVM (one JVM start fewer than
 * the default), no bare-store runs. Only what cannot be faked is asserted — decisions were
 * acknowledged before the kill and by the new leader, every one of them is in the ledger, the
 * ledger verifies, it names the killed leader then the follower as leading, and the one placed job
 * was placed once — never a time or a rate.
 */
@Verifies("FR-STORE-016")
class FleetFailoverTest {

  @Test
  void aKilledLeadersFollowerTakesOverAndEveryAcknowledgedDecisionIsInTheLedger(@TempDir Path work)
      throws Exception {
    FailoverOptions options =
        FailoverOptions.parse(
            "--runs",
            "1",
            "--standby-poll",
            "100ms",
            "--store-runs",
            "0",
            "--settle",
            "0.2",
            "--acks-after",
            "5",
            "--follower",
            "harness",
            "--work-dir",
            work.toString());

    FailoverReport r = FleetFailover.run(options, TestPostgres.newDatabase(), System.out);
    System.out.print(r.text());

    assertThat(r.rows).hasSize(1);
    assertThat(r.store).isEmpty();
    FailoverRun.Row row = r.rows.get(0);
    assertThat(row.childFollower()).isFalse();
    assertThat(row.ackedBefore()).isGreaterThanOrEqualTo(FleetFailover.MIN_ACKS_BEFORE);
    assertThat(row.ackedByNew()).isGreaterThanOrEqualTo(5);
    assertThat(row.lost()).isZero();
    assertThat(row.verified()).isTrue();
    assertThat(row.leader()).isNotEqualTo(row.follower());
    assertThat(row.leading()).containsExactly(row.leader(), row.follower());
    assertThat(row.placements()).isEqualTo(1);
    assertThat(row.placedTwice()).isZero();
    // two records per decision, the placement's three, the agent's, the leaders'
    assertThat(row.records())
        .isGreaterThan(2L * (row.ackedBefore() + row.ackedInFlight() + row.ackedByNew()));
  }

  @Test
  void optionsHaveTheClisDefaultPollFirstAndRefuseNonsense() {
    FailoverOptions d = FailoverOptions.parse();
    assertThat(d.runs()).isEqualTo(5);
    assertThat(d.polls()).containsExactly(Duration.ofMillis(500), Duration.ofMillis(100));
    assertThat(d.childFollower()).isTrue();
    assertThat(FailoverOptions.parse("--follower", "harness").childFollower()).isFalse();
    assertThatThrownBy(() -> FailoverOptions.parse("--follower", "elsewhere"))
        .hasMessageContaining("--follower");
    assertThat(FailoverOptions.parse("--standby-poll", "1s,250ms").polls())
        .containsExactly(Duration.ofSeconds(1), Duration.ofMillis(250));
    assertThatThrownBy(() -> FailoverOptions.parse("--standby-poll", "500"))
        .hasMessageContaining("--standby-poll");
    assertThatThrownBy(() -> FailoverOptions.parse("--runs", "0")).hasMessageContaining("--runs");
    assertThatThrownBy(() -> FailoverOptions.parse("--wat", "1")).hasMessageContaining("--wat");
  }
}
