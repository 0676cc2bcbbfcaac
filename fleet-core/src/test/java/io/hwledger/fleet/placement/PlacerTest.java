package io.hwledger.fleet.placement;

import static io.hwledger.fleet.placement.Plans.GIB;
import static io.hwledger.fleet.placement.Plans.H100;
import static io.hwledger.fleet.placement.Plans.NOW;
import static io.hwledger.fleet.placement.Plans.agent;
import static io.hwledger.fleet.placement.Plans.claiming;
import static io.hwledger.fleet.placement.Plans.gpu;
import static io.hwledger.fleet.placement.Plans.idle;
import static io.hwledger.fleet.placement.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.hwledger.fleet.placement.Reason.Rule;
import io.hwledger.testsupport.Verifies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

@Verifies({"FR-FLEET-011", "FR-FLEET-012"})
class PlacerTest {
  private final Placer placer = Placer.withFreshness(Duration.ofSeconds(60));

  private Decision place(int tp, Policy policy, long claimGib, AgentState... agents) {
    return placer.place(tp, policy, claiming(claimGib * GIB), List.of(agents), NOW);
  }

  private static Placement placed(Decision d) {
    assertThat(d).isInstanceOf(Placement.class);
    return (Placement) d;
  }

  private static Refusal refused(Decision d) {
    assertThat(d).isInstanceOf(Refusal.class);
    return (Refusal) d;
  }

  @Test
  void allocatableIsTotalLessClaimsLessTheReserve() {
    // 80 GiB total, two jobs claiming 30 GiB each, 1 GiB reserved: 80 − 60 − 1 = 19 GiB
    GpuState gpu =
        new GpuState(
            "GPU-a",
            0,
            "nvidia",
            H100,
            80 * GIB,
            60 * GIB,
            GIB,
            Optional.of(new MeasuredFree(20 * GIB, NOW.minusSeconds(4))),
            true,
            false);
    assertThat(gpu.allocatableBytes()).isEqualTo(19 * GIB);

    Refusal refusal = refused(place(1, Policy.BINPACK, 20, agent("a", gpu)));
    assertThat(refusal.reasons()).hasSize(1);
    Reason r = refusal.reasons().get(0);
    assertThat(r.rule()).isEqualTo(Rule.OVER_ALLOCATABLE);
    assertThat(r.neededBytes()).isEqualTo(20 * GIB);
    assertThat(r.allocatableBytes()).isEqualTo(19 * GIB);
    assertThat(r.claimedBytes()).isEqualTo(60 * GIB);
    assertThat(r.reservedBytes()).isEqualTo(GIB);
    assertThat(r.measuredFreeBytes()).isEqualTo(20 * GIB);
    assertThat(r.message())
        .isEqualTo(
            "agent a GPU 0 (NVIDIA H100 80GB HBM3): needs 20.0 GiB, allocatable 19.0 GiB"
                + " (80.0 GiB total, 60.0 GiB claimed, 1.0 GiB reserved)");

    // exactly the allocatable 19 GiB is taken
    Placement p = placed(place(1, Policy.BINPACK, 19, agent("a", gpu)));
    assertThat(p.gpus())
        .singleElement()
        .satisfies(g -> assertThat(g.claimBytes()).isEqualTo(19 * GIB));
  }

  @Test
  void binpackFillsTheFullerGpuAndSpreadTheEmptierOne() {
    // GPU 0: 80 − 50 claimed = 30 GiB allocatable; GPU 1: 80 GiB allocatable. A 20 GiB claim
    // leaves 10 GiB on GPU 0 or 60 GiB on GPU 1.
    AgentState a = agent("a", gpu("GPU-0", 0, 80, 50, 30, 2), gpu("GPU-1", 1, 80, 0, 80, 2));

    Placement binpack = placed(place(1, Policy.BINPACK, 20, a));
    assertThat(binpack.indexes()).containsExactly(0);
    assertThat(binpack.gpus().get(0).allocatableBytes()).isEqualTo(30 * GIB);
    assertThat(binpack.gpus().get(0).measuredFreeBytes()).isEqualTo(30 * GIB);

    Placement spread = placed(place(1, Policy.SPREAD, 20, a));
    assertThat(spread.indexes()).containsExactly(1);
    assertThat(spread.policy()).isEqualTo(Policy.SPREAD);
  }

  @Test
  void binpackAndSpreadCompareAcrossAgents() {
    // agent a's GPU has 25 GiB allocatable, b's 40 GiB: a 20 GiB claim leaves 5 or 20 GiB
    AgentState a = agent("a", gpu("GPU-a", 0, 80, 55, 25, 1));
    AgentState b = agent("b", gpu("GPU-b", 0, 80, 40, 40, 1));
    assertThat(placed(place(1, Policy.BINPACK, 20, b, a)).agentId()).isEqualTo("a");
    assertThat(placed(place(1, Policy.SPREAD, 20, a, b)).agentId()).isEqualTo("b");
  }

  @Test
  void tensorParallelTakesTwoGpusOfOneProductOnOneHost() {
    // Four GPUs; GPU 1 has 10 GiB allocatable (70 claimed), the others 80, 40 and 60 GiB.
    AgentState a =
        agent(
            "a",
            gpu("GPU-0", 0, 80, 0, 80, 1),
            gpu("GPU-1", 1, 80, 70, 10, 1),
            gpu("GPU-2", 2, 80, 40, 40, 1),
            gpu("GPU-3", 3, 80, 20, 60, 1));
    // 30 GiB each: GPU 1 cannot; binpack leaves 10 (GPU 2) + 30 (GPU 3), spread 50 (GPU 0) + 30
    Placement binpack = placed(place(2, Policy.BINPACK, 30, a));
    assertThat(binpack.indexes()).containsExactly(2, 3);
    assertThat(binpack.gpus()).extracting(Placement.Gpu::uuid).containsExactly("GPU-2", "GPU-3");
    Placement spread = placed(place(2, Policy.SPREAD, 30, a));
    assertThat(spread.indexes()).containsExactly(0, 3);
  }

  @Test
  void tensorParallelIsRefusedWhenTheGpusAreOnlyOnSeparateHosts() {
    Refusal refusal =
        refused(
            place(
                2, Policy.BINPACK, 30, agent("a", idle("GPU-a", 0)), agent("b", idle("GPU-b", 0))));
    assertThat(refusal.reasons()).extracting(Reason::rule).containsOnly(Rule.TOO_FEW_GPUS);
    assertThat(refusal.reasons()).extracting(Reason::uuid).containsExactly("GPU-a", "GPU-b");
    assertThat(refusal.reasons().get(0).message())
        .isEqualTo(
            "agent a GPU 0 (NVIDIA H100 80GB HBM3): only 1 GPU of this model on the agent,"
                + " tensor parallelism needs 2");
  }

  @Test
  void tensorParallelDoesNotMixProducts() {
    GpuState a100 =
        new GpuState(
            "GPU-x",
            1,
            "nvidia",
            "NVIDIA A100-SXM4-80GB",
            80 * GIB,
            0,
            0,
            Optional.of(new MeasuredFree(80 * GIB, NOW)),
            true,
            false);
    Refusal refusal = refused(place(2, Policy.BINPACK, 10, agent("a", idle("GPU-h", 0), a100)));
    assertThat(refusal.reasons())
        .hasSize(2)
        .extracting(Reason::rule)
        .containsOnly(Rule.TOO_FEW_GPUS);
  }

  @Test
  void tensorParallelNamesTheGpusThatCouldNotTakeTheirShare() {
    // two H100s, one of them 75 GiB claimed and 5 GiB free: only 1 of 2 can take 10 GiB
    AgentState a = agent("a", idle("GPU-0", 0), gpu("GPU-1", 1, 80, 75, 5, 1));
    Refusal refusal = refused(place(2, Policy.BINPACK, 10, a));
    assertThat(refusal.reasons())
        .extracting(Reason::index, Reason::rule)
        .containsExactly(
            tuple(0, Rule.TOO_FEW_GPUS),
            tuple(1, Rule.OVER_ALLOCATABLE),
            tuple(1, Rule.MEASURED_FREE_LOW));
    assertThat(refusal.reasons().get(0).message())
        .isEqualTo(
            "agent a GPU 0 (NVIDIA H100 80GB HBM3): could take its share, but only 1 of the agent's"
                + " 2 GPUs of this model can, tensor parallelism needs 2");
  }

  @Test
  void anOutsideProcessShowsInMeasuredFreeMemoryAndRefusesTheGpu() {
    // nothing claimed (80 GiB allocatable), but something outside the fleet holds all but 12.5 GiB
    GpuState busy =
        new GpuState(
            "GPU-a",
            1,
            "nvidia",
            H100,
            80 * GIB,
            0,
            0,
            Optional.of(new MeasuredFree(12 * GIB + GIB / 2, NOW.minusSeconds(4))),
            true,
            false);
    Refusal refusal = refused(place(1, Policy.BINPACK, 20, agent("3f2a", busy)));
    Reason r = refusal.reasons().get(0);
    assertThat(r.rule()).isEqualTo(Rule.MEASURED_FREE_LOW);
    assertThat(r.allocatableBytes()).isEqualTo(80 * GIB);
    assertThat(r.measuredFreeBytes()).isEqualTo(12 * GIB + GIB / 2);
    assertThat(r.message())
        .isEqualTo(
            "agent 3f2a GPU 1 (NVIDIA H100 80GB HBM3): needs 20.0 GiB, measured free 12.5 GiB 4 s"
                + " ago");
  }

  @Test
  void staleAbsentAndUnhealthyFailClosed() {
    GpuState stale = gpu("GPU-stale", 0, 80, 0, 80, 61);
    GpuState fresh = gpu("GPU-fresh", 1, 80, 0, 80, 60); // exactly at the limit: still fresh
    GpuState absent =
        new GpuState(
            "GPU-absent", 2, "nvidia", H100, 80 * GIB, 0, 0, Optional.empty(), true, false);
    GpuState sick =
        new GpuState(
            "GPU-sick",
            3,
            "nvidia",
            H100,
            80 * GIB,
            0,
            0,
            Optional.of(new MeasuredFree(80 * GIB, NOW)),
            false,
            false);
    GpuState future = gpu("GPU-future", 4, 80, 0, 80, -90);

    assertThat(placed(place(1, Policy.BINPACK, 10, agent("a", stale, fresh))).indexes())
        .containsExactly(1);

    Refusal refusal =
        refused(place(1, Policy.BINPACK, 10, agent("a", stale, absent, sick, future)));
    assertThat(refusal.reasons())
        .extracting(Reason::uuid, Reason::rule)
        .containsExactly(
            tuple("GPU-stale", Rule.NO_FRESH_MEASUREMENT),
            tuple("GPU-absent", Rule.NO_FRESH_MEASUREMENT),
            tuple("GPU-sick", Rule.UNHEALTHY),
            tuple("GPU-future", Rule.NO_FRESH_MEASUREMENT));
    assertThat(refusal.reasons())
        .extracting(Reason::message)
        .containsExactly(
            "agent a GPU 0 (NVIDIA H100 80GB HBM3): no measurement in the last 60 s (latest 61 s"
                + " ago)",
            "agent a GPU 2 (NVIDIA H100 80GB HBM3): no measurement in the last 60 s",
            "agent a GPU 3 (NVIDIA H100 80GB HBM3): unhealthy",
            "agent a GPU 4 (NVIDIA H100 80GB HBM3): latest measurement is dated 90 s ahead of the"
                + " server's clock");
    assertThat(refusal.reasons().get(1).measuredFreeBytes()).isNull();
    assertThat(refusal.reasons().get(1).measuredAt()).isNull();
  }

  @Test
  void agentsThatAreNotReadyAreSkipped() {
    AgentState down = new AgentState("a", false, List.of(idle("GPU-a", 0)));
    AgentState up = agent("b", gpu("GPU-b", 0, 80, 60, 20, 1));
    // spread prefers the GPU leaving the most, a's idle one, but a is not ready
    assertThat(placed(place(1, Policy.SPREAD, 10, down, up)).agentId()).isEqualTo("b");

    Refusal refusal = refused(place(1, Policy.SPREAD, 10, down));
    assertThat(refusal.reasons())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.rule()).isEqualTo(Rule.AGENT_NOT_READY);
              assertThat(r.message())
                  .isEqualTo("agent a GPU 0 (NVIDIA H100 80GB HBM3): agent not ready");
            });
  }

  @Test
  void tiesGoToTheSmallestAgentIdThenTheSmallestIndex() {
    AgentState b = agent("b", idle("GPU-b0", 0), idle("GPU-b1", 1));
    AgentState a = agent("a", idle("GPU-a1", 1), idle("GPU-a0", 0));
    for (Policy policy : Policy.values()) {
      List<AgentState> fleet = new ArrayList<>(List.of(b, a));
      for (int i = 0; i < 2; i++) {
        Placement p = placed(placer.place(1, policy, claiming(10 * GIB), fleet, NOW));
        assertThat(p.agentId()).isEqualTo("a");
        assertThat(p.gpus()).extracting(Placement.Gpu::uuid).containsExactly("GPU-a0");
        Collections.reverse(fleet);
      }
      Placement pair = placed(placer.place(2, policy, claiming(10 * GIB), fleet, NOW));
      assertThat(pair.gpus()).extracting(Placement.Gpu::uuid).containsExactly("GPU-a0", "GPU-a1");
    }
  }

  @Test
  void aJobThatFitsNowhereHasAReasonForEveryGpu() {
    AgentState a = agent("a", gpu("GPU-a0", 0, 80, 70, 10, 1), gpu("GPU-a1", 1, 80, 0, 5, 1));
    AgentState b = new AgentState("b", false, List.of(idle("GPU-b0", 0)));
    AgentState c =
        agent(
            "c",
            new GpuState(
                "GPU-c0", 0, "nvidia", H100, 80 * GIB, 0, 0, Optional.empty(), false, false));
    Refusal refusal = refused(place(1, Policy.BINPACK, 20, a, b, c));
    assertThat(refusal.reasons())
        .extracting(Reason::uuid, Reason::rule)
        .containsExactly(
            tuple("GPU-a0", Rule.OVER_ALLOCATABLE),
            tuple("GPU-a0", Rule.MEASURED_FREE_LOW),
            tuple("GPU-a1", Rule.MEASURED_FREE_LOW),
            tuple("GPU-b0", Rule.AGENT_NOT_READY),
            tuple("GPU-c0", Rule.UNHEALTHY),
            tuple("GPU-c0", Rule.NO_FRESH_MEASUREMENT));
    assertThat(refusal.message())
        .startsWith(
            "no GPU can take the job (4 candidates):\n  agent a GPU 0 (NVIDIA H100 80GB HBM3): needs 20.0 GiB, allocatable 10.0 GiB (80.0 GiB total, 70.0 GiB claimed)\n");
  }

  @Test
  void aModelTooBigForTheEngineBudgetIsRefusedWithItsNumbers() {
    // the plan needs 90 GiB per GPU against an engine budget of 72 GiB (0.9 × 80 GiB)
    Refusal refusal =
        refused(
            placer.place(
                1,
                Policy.BINPACK,
                (agent, kind) -> plan(kind, 72 * GIB, 90 * GIB, 72 * GIB),
                List.of(agent("a", idle("GPU-a", 0))),
                NOW));
    assertThat(refusal.reasons())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.rule()).isEqualTo(Rule.DOES_NOT_FIT);
              assertThat(r.neededBytes()).isEqualTo(90 * GIB);
              assertThat(r.message())
                  .isEqualTo(
                      "agent a GPU 0 (NVIDIA H100 80GB HBM3): the model does not fit this GPU: needs"
                          + " 90.0 GiB per GPU, engine budget 72.0 GiB");
            });
  }

  @Test
  void sizesThatPrintAlikeAreShownToTheByte() {
    // 20 GiB + 1 B against exactly 20 GiB allocatable (60 of 80 claimed)
    Refusal refusal =
        refused(
            placer.place(
                1,
                Policy.BINPACK,
                claiming(20 * GIB + 1),
                List.of(agent("a", gpu("GPU-a", 0, 80, 60, 20, 1))),
                NOW));
    assertThat(refusal.reasons())
        .extracting(Reason::message)
        .contains(
            "agent a GPU 0 (NVIDIA H100 80GB HBM3): needs 20.0 GiB (21474836481 B), allocatable"
                + " 20.0 GiB (21474836480 B) (80.0 GiB total, 60.0 GiB claimed)");
  }

  @Test
  void unifiedMemoryIsOnePoolUnderTheSameRules() {
    // an integrated GPU sharing 64 GiB with the host: 24 GiB claimed, the host's processes leave
    // 30 GiB free
    GpuState apple =
        new GpuState(
            "apple-0",
            0,
            "apple",
            "Apple M4 Max",
            64 * GIB,
            24 * GIB,
            0,
            Optional.of(new MeasuredFree(30 * GIB, NOW.minusSeconds(2))),
            true,
            true);
    AgentState mac = agent("mac", apple);
    // 64 − 24 = 40 GiB allocatable, 30 GiB measured free: 30 fits, 35 does not
    assertThat(placed(place(1, Policy.BINPACK, 30, mac)).indexes()).containsExactly(0);
    assertThat(refused(place(1, Policy.BINPACK, 35, mac)).reasons())
        .extracting(Reason::rule)
        .containsExactly(Rule.MEASURED_FREE_LOW);
    assertThat(refused(place(1, Policy.BINPACK, 41, mac)).reasons())
        .extracting(Reason::rule)
        .containsExactly(Rule.OVER_ALLOCATABLE, Rule.MEASURED_FREE_LOW);
  }

  @Test
  void aGpuWithoutAReportedTotalIsRefusedWithoutPlanning() {
    GpuState unknown =
        new GpuState("GPU-0", 0, "other", "Mystery GPU", 0, 0, 0, Optional.empty(), true, false);
    Refusal refusal =
        refused(
            placer.place(
                1,
                Policy.BINPACK,
                (agent, kind) -> {
                  throw new AssertionError("planned for " + kind);
                },
                List.of(agent("a", unknown)),
                NOW));
    assertThat(refusal.reasons()).extracting(Reason::rule).containsExactly(Rule.UNKNOWN_TOTAL);
  }

  @Test
  void anEmptyFleetIsRefusedSayingSo() {
    Refusal refusal = refused(placer.place(1, Policy.BINPACK, claiming(GIB), List.of(), NOW));
    assertThat(refusal.reasons()).isEmpty();
    assertThat(refusal.message()).isEqualTo("no GPU can take the job: the fleet has no GPUs");
  }

  @Test
  void inputsAreChecked() {
    assertThatThrownBy(() -> Placer.withFreshness(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> place(0, Policy.BINPACK, 1))
        .hasMessage("tensorParallel must be positive, was 0");
    assertThatThrownBy(() -> new AgentState("a", true, List.of(idle("GPU-x", 0), idle("GPU-x", 1))))
        .hasMessage("agent a lists two GPUs with uuid GPU-x");
    assertThatThrownBy(
            () ->
                new GpuState(
                    "GPU-x", 0, "nvidia", H100, 80 * GIB, -1, 0, Optional.empty(), true, false))
        .hasMessage("claimedBytes must be in [0, 9007199254740991], was -1");
    assertThat(Policy.of(null)).isEqualTo(Policy.BINPACK);
    assertThat(Policy.of("spread")).isEqualTo(Policy.SPREAD);
    assertThatThrownBy(() -> Policy.of("random"))
        .hasMessage("policy must be binpack or spread, was 'random'");
  }
}
