package io.hwledger.fleet.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.fleet.protocol.HostFacts;
import io.hwledger.fleet.protocol.JobSpec;
import io.hwledger.fleet.protocol.JobState;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.ledger.events.PlanReconciled;
import io.hwledger.testsupport.Verifies;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The projection's indexes — credentials, reconcilable jobs, claims — follow the events applied, so
 * a replay rebuilds them exactly.
 */
@Verifies({"FR-FLEET-009", "FR-FLEET-014"})
class FleetStateTest {
  private static final long GIB = 1L << 30;
  private static final HostFacts HOST = new HostFacts("h", "Linux", "amd64", 8, 1L << 36);
  private static final JobSpec SPEC =
      new JobSpec(
          Protocol.VERSION,
          "llama-3.1-8b",
          null,
          null,
          null,
          "vllm",
          Map.of(),
          8192,
          1,
          null,
          null,
          1,
          null);

  private final List<LedgerEvent> events = new ArrayList<>();

  private FleetState replay() {
    FleetState s = new FleetState();
    for (int i = 0; i < events.size(); i++) {
      LedgerEvent e = events.get(i);
      s.apply(
          new RecordedEvent(
              i, Instant.EPOCH, e.type(), e.schemaVersion(), e.payload(), new byte[32]));
    }
    return s;
  }

  private long add(LedgerEvent e) {
    events.add(e);
    return events.size() - 1;
  }

  /** Stands for a job's {@code plan.computed} record: its sequence number is the plan's. */
  private static LedgerEvent planComputed() {
    return LedgerEvent.of("plan.computed", 1, "{}");
  }

  private static FleetEvents.PlacedGpu gpu(String uuid, int index) {
    return new FleetEvents.PlacedGpu(uuid, index, 72 * GIB, 79 * GIB, 80 * GIB);
  }

  private void placed(String job, String agent, long planSeq, FleetEvents.PlacedGpu... gpus) {
    add(FleetEvents.jobPlaced(job, agent, "nvidia", List.of(gpus), planSeq, "h", List.of("x")));
  }

  @Test
  void credentialsFollowEnrolmentRenewalAndRevocation() {
    add(FleetEvents.agentEnrolled("a", "01", 1_000, "t", HOST, Map.of()));
    FleetState s = replay();
    assertThat(s.credentials("a").accepts("01", 0)).isTrue();
    assertThat(s.credentials("b")).isNull();

    add(FleetEvents.agentRenewed("a", "02", 2_000, "01", 500));
    s = replay();
    // the previous serial works until 500 ms (the event's own grace), the new one after
    assertThat(s.credentials("a").accepts("01", 499)).isTrue();
    assertThat(s.credentials("a").accepts("01", 500)).isFalse();
    assertThat(s.credentials("a").accepts("02", 500)).isTrue();
    assertThat(s.credentials("a").revoked()).isFalse();

    add(FleetEvents.agentRevoked("a", "ops"));
    assertThat(replay().credentials("a").revoked()).isTrue();
  }

  @Test
  void onlyRunningJobsWithAGpuNotYetComparedAreReconcilableAndClaimsFollowPlacements() {
    add(FleetEvents.agentEnrolled("a", "01", 1_000, "t", HOST, Map.of()));
    add(FleetEvents.jobSubmitted("j1", SPEC, "ops"));
    add(FleetEvents.jobSubmitted("j2", SPEC, "ops"));
    add(FleetEvents.jobSubmitted("j3", SPEC, "ops"));
    add(FleetEvents.jobRefused("j3", List.of("fits nowhere")));
    long plan1 = add(planComputed());
    placed("j1", "a", plan1, gpu("G0", 0), gpu("G1", 1));
    long plan2 = add(planComputed());
    placed("j2", "a", plan2, gpu("G1", 1));
    FleetState s = replay();
    // placed, not running: nothing to reconcile; claims 2 x 72 GiB on G1, 72 GiB on G0
    assertThat(s.reconcilable("a")).isEmpty();
    assertThat(s.claims())
        .containsExactlyInAnyOrderEntriesOf(Map.of("G0", 72 * GIB, "G1", 144 * GIB));
    assertThat(s.assignments("a")).extracting(a -> a.jobId()).containsExactly("j1", "j2");

    add(FleetEvents.jobState("j1", "a", JobState.RUNNING, null, null));
    add(FleetEvents.jobState("j2", "a", JobState.RUNNING, null, null));
    assertThat(replay().reconcilable("a")).containsExactlyInAnyOrder("j1", "j2");

    // j1 compared on G0 only: still reconcilable; then on G1: done
    add(new PlanReconciled(plan1, "G0", 72 * GIB, 70 * GIB).toEvent());
    assertThat(replay().reconcilable("a")).containsExactlyInAnyOrder("j1", "j2");
    add(new PlanReconciled(plan1, "G1", 72 * GIB, 71 * GIB).toEvent());
    assertThat(replay().reconcilable("a")).containsExactly("j2");

    // j2 exits: neither reconcilable nor claiming
    add(FleetEvents.jobState("j2", "a", JobState.EXITED, 0, null));
    s = replay();
    assertThat(s.reconcilable("a")).isEmpty();
    assertThat(s.claims())
        .containsExactlyInAnyOrderEntriesOf(Map.of("G0", 72 * GIB, "G1", 72 * GIB));

    // j1 unplaced (its agent lost) and placed again elsewhere, running: reconcilable there only
    add(FleetEvents.jobUnplaced("j1", "a", "agent lost"));
    add(FleetEvents.agentEnrolled("b", "03", 1_000, "t", HOST, Map.of()));
    long plan3 = add(planComputed());
    placed("j1", "b", plan3, gpu("H0", 0));
    add(FleetEvents.jobState("j1", "b", JobState.RUNNING, null, null));
    s = replay();
    assertThat(s.reconcilable("a")).isEmpty();
    assertThat(s.reconcilable("b")).containsExactly("j1");
    assertThat(s.claims()).containsExactlyEntriesOf(Map.of("H0", 72 * GIB));
    assertThat(s.assignments("a")).isEmpty();
  }
}
