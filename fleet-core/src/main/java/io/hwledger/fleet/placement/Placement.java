package io.hwledger.fleet.placement;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A job placed: the agent, its GPUs that run it with what the decision saw on each, and the plan.
 *
 * @param agentId the agent
 * @param policy the policy that chose among the feasible GPU sets
 * @param gpus the chosen GPUs, as many as the job's tensor parallelism, in index order
 * @param plan the job's plan for these GPUs (for GPUs of different totals, the smallest one's)
 */
public record Placement(String agentId, Policy policy, List<Gpu> gpus, JobPlan plan)
    implements Decision {

  /**
   * One chosen GPU.
   *
   * @param index the device index ({@code CUDA_VISIBLE_DEVICES})
   * @param uuid the device's uuid
   * @param productName its product name
   * @param claimBytes the job's claim on it, bytes
   * @param allocatableBytes its allocatable memory before this job, bytes
   * @param measuredFreeBytes its measured free memory at decision time, bytes
   * @param measuredAt when that was measured
   */
  public record Gpu(
      int index,
      String uuid,
      String productName,
      long claimBytes,
      long allocatableBytes,
      long measuredFreeBytes,
      Instant measuredAt) {

    /**
     * Checks that nothing is missing.
     *
     * @param index the device index
     * @param uuid the uuid
     * @param productName the product name
     * @param claimBytes the claim, bytes
     * @param allocatableBytes allocatable before the job, bytes
     * @param measuredFreeBytes measured free memory, bytes
     * @param measuredAt when measured
     */
    public Gpu {
      Objects.requireNonNull(uuid, "uuid");
      Objects.requireNonNull(productName, "productName");
      Objects.requireNonNull(measuredAt, "measuredAt");
    }
  }

  /**
   * Validates and copies.
   *
   * @param agentId the agent
   * @param policy the policy
   * @param gpus at least one GPU; copied
   * @param plan the plan
   * @throws IllegalArgumentException if {@code gpus} is empty
   */
  public Placement {
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(policy, "policy");
    gpus = List.copyOf(gpus);
    if (gpus.isEmpty()) {
      throw new IllegalArgumentException("a placement needs at least one GPU");
    }
    Objects.requireNonNull(plan, "plan");
  }

  /**
   * The chosen GPUs' device indexes, for {@code CUDA_VISIBLE_DEVICES}.
   *
   * @return indexes in order
   */
  public List<Integer> indexes() {
    return gpus.stream().map(Gpu::index).toList();
  }
}
