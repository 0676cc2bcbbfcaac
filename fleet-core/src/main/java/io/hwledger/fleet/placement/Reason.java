package io.hwledger.fleet.placement;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Why one candidate GPU cannot take a job: the rule it fails and the numbers the decision saw. A
 * GPU can fail several rules, each a reason of its own.
 *
 * @param agentId the agent
 * @param uuid the GPU's uuid
 * @param index the GPU's device index
 * @param productName the GPU's product name
 * @param rule the rule it fails
 * @param neededBytes what the rule compared, bytes: the job's claim on this GPU, or for {@link
 *     Rule#DOES_NOT_FIT} the plan's bytes per GPU; 0 when the job was not planned for it ({@link
 *     Rule#UNKNOWN_TOTAL})
 * @param totalBytes the GPU's memory, bytes
 * @param claimedBytes the claims of the jobs already placed on it, bytes
 * @param reservedBytes the operator's reserve on it, bytes
 * @param allocatableBytes total − claimed − reserved, bytes; negative when over-committed
 * @param measuredFreeBytes its latest measured free memory, bytes; null when never measured
 * @param measuredAt when that was measured; null when never measured
 * @param message one line naming the agent, the GPU, the rule and its numbers
 */
public record Reason(
    String agentId,
    String uuid,
    int index,
    String productName,
    Rule rule,
    long neededBytes,
    long totalBytes,
    long claimedBytes,
    long reservedBytes,
    long allocatableBytes,
    @Nullable Long measuredFreeBytes,
    @Nullable Instant measuredAt,
    String message) {

  /** The rules of placement (FLEET.md §2), each refusing a GPU on its own. */
  public enum Rule {
    /** The agent is not ready, so none of its GPUs is a candidate. */
    AGENT_NOT_READY,
    /**
     * The job names a model file the agent did not report, or reported unreadable, so none of its
     * GPUs is a candidate.
     */
    NO_MODEL_FILE,
    /** The agent reported no memory total for the GPU, so no plan can be made for it. */
    UNKNOWN_TOTAL,
    /** The GPU is unhealthy, or its health query failed (health fails closed). */
    UNHEALTHY,
    /** The plan does not fit the engine's budget on this GPU: the model is too big for it. */
    DOES_NOT_FIT,
    /** The claim exceeds the GPU's allocatable memory (total − Σ claims − reserve). */
    OVER_ALLOCATABLE,
    /** No measurement of free memory within the freshness limit (fails closed). */
    NO_FRESH_MEASUREMENT,
    /** The latest fresh measured free memory is below the claim: other processes use the GPU. */
    MEASURED_FREE_LOW,
    /**
     * The GPU could take its share, but the agent has fewer such GPUs able to than the job's tensor
     * parallelism needs (TP stays within one host, on GPUs of one product).
     */
    TOO_FEW_GPUS
  }

  /**
   * Checks that nothing required is missing.
   *
   * @param agentId the agent
   * @param uuid the GPU's uuid
   * @param index the GPU's index
   * @param productName the GPU's product name
   * @param rule the rule
   * @param neededBytes the compared need, bytes
   * @param totalBytes the GPU's memory, bytes
   * @param claimedBytes claims on it, bytes
   * @param reservedBytes the reserve, bytes
   * @param allocatableBytes the allocatable memory, bytes
   * @param measuredFreeBytes the latest measured free memory, bytes, or null
   * @param measuredAt when, or null
   * @param message the one-line message
   */
  public Reason {
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(productName, "productName");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(message, "message");
  }
}
