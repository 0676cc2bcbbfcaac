package io.hwledger.cloud;

import io.hwledger.api.MemoryPlan;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One offer, planned: how the model is laid out on it and what a million output tokens cost, or why
 * it does not fit.
 *
 * @param offer the offer
 * @param layout how the model runs on it, when it fits
 * @param refusal why it does not fit (one line: the GPU is unknown, the engine refuses every TP
 *     degree, or memory per GPU: needed and available), when it does not
 */
public record OfferFit(Offer offer, Optional<Layout> layout, Optional<String> refusal) {
  /**
   * Validates: exactly one of {@code layout} and {@code refusal}.
   *
   * @param offer the offer
   * @param layout how the model runs on it, when it fits
   * @param refusal why it does not fit, when it does not
   * @throws IllegalArgumentException if both or neither are present
   */
  public OfferFit {
    Objects.requireNonNull(offer, "offer");
    Objects.requireNonNull(layout, "layout");
    Objects.requireNonNull(refusal, "refusal");
    if (layout.isPresent() == refusal.isPresent()) {
      throw new IllegalArgumentException("an offer fit has a layout or a refusal, not both");
    }
  }

  /**
   * Whether the model fits the offer.
   *
   * @return true if there is a layout
   */
  public boolean fits() {
    return layout.isPresent();
  }

  /**
   * The model on an offer's GPUs: {@code replicas} copies, each over {@code tensorParallel} GPUs.
   *
   * @param tensorParallel GPUs per copy (TP within the instance)
   * @param replicas copies, {@code gpuCount / tensorParallel}; requests are spread over them
   * @param plan one copy's memory plan at its batch
   * @param sequencesPerReplica sequences each copy decodes together: the most its plan holds at the
   *     context, at most the batch cap
   * @param headroomBytes memory left on the most loaded GPU at that batch, bytes
   * @param decodeTokensPerSecond all copies' output tokens per second at that batch; empty when the
   *     GPU publishes no memory bandwidth
   * @param usdPerMillionTokens the instance's hourly price over the tokens it decodes in an hour,
   *     per million; empty without a speed
   */
  public record Layout(
      int tensorParallel,
      int replicas,
      MemoryPlan plan,
      long sequencesPerReplica,
      long headroomBytes,
      OptionalDouble decodeTokensPerSecond,
      OptionalDouble usdPerMillionTokens) {
    /**
     * Validates.
     *
     * @param tensorParallel GPUs per copy
     * @param replicas copies
     * @param plan one copy's memory plan
     * @param sequencesPerReplica sequences each copy decodes together
     * @param headroomBytes memory left on the most loaded GPU, bytes
     * @param decodeTokensPerSecond all copies' output tokens per second, if known
     * @param usdPerMillionTokens cost per million output tokens, if known
     */
    public Layout {
      Objects.requireNonNull(plan, "plan");
      Objects.requireNonNull(decodeTokensPerSecond, "decodeTokensPerSecond");
      Objects.requireNonNull(usdPerMillionTokens, "usdPerMillionTokens");
      if (tensorParallel < 1 || replicas < 1 || sequencesPerReplica < 1) {
        throw new IllegalArgumentException("tensorParallel, replicas and sequences must be >= 1");
      }
    }
  }
}
