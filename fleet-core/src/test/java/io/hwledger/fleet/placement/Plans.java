package io.hwledger.fleet.placement;

import io.hwledger.api.Fit;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.MemoryBreakdown;
import io.hwledger.api.MemoryPlan;
import io.hwledger.ledger.events.PlanComputed;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiFunction;

/** Hand-made plans and GPUs for placement tests: claims are numbers the test writes down. */
final class Plans {
  static final long GIB = 1L << 30;
  static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  static final String H100 = "NVIDIA H100 80GB HBM3";

  private Plans() {}

  /** A plan of {@code needed} bytes per GPU against {@code budget}, claiming {@code claim}. */
  static JobPlan plan(GpuKind kind, long claim, long needed, long budget) {
    MemoryBreakdown perGpu = new MemoryBreakdown(needed, 0, 0, 0, 0);
    MemoryPlan memory =
        new MemoryPlan(
            "test-model",
            1,
            1,
            OptionalLong.empty(),
            perGpu,
            perGpu,
            List.of(perGpu),
            List.of(),
            Optional.of(new Fit(budget, budget - needed)),
            Optional.empty());
    GpuSpec spec =
        new GpuSpec(
            kind.productName(),
            kind.productName(),
            kind.vendor(),
            kind.totalBytes(),
            OptionalLong.empty(),
            kind.integrated(),
            OptionalLong.empty(),
            Map.of(),
            List.of());
    PlanComputed event =
        PlanComputed.of("test-model", "{}", needed, needed, Optional.of(needed <= budget));
    return new JobPlan(kind, spec, 1, "generic", memory, claim, Optional.empty(), event, List.of());
  }

  /** Every GPU kind gets a plan claiming {@code claim} bytes that fits its total. */
  static BiFunction<AgentState, GpuKind, JobPlan> claiming(long claim) {
    return (agent, kind) -> plan(kind, claim, claim, kind.totalBytes());
  }

  /** A healthy, discrete H100 (80 GiB here, for round numbers), measured {@code ago} before NOW. */
  static GpuState gpu(
      String uuid, int index, long totalGib, long claimedGib, long freeGib, long secondsAgo) {
    return new GpuState(
        uuid,
        index,
        "nvidia",
        H100,
        totalGib * GIB,
        claimedGib * GIB,
        0,
        Optional.of(new MeasuredFree(freeGib * GIB, NOW.minusSeconds(secondsAgo))),
        true,
        false);
  }

  /** An idle 80 GiB H100 measured entirely free 1 s ago. */
  static GpuState idle(String uuid, int index) {
    return gpu(uuid, index, 80, 0, 80, 1);
  }

  static AgentState agent(String id, GpuState... gpus) {
    return new AgentState(id, true, List.of(gpus));
  }
}
