package io.hwledger.math.engine;

import io.hwledger.api.Deployment;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.Fit;
import io.hwledger.api.MemoryBreakdown;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an engine's rules make of the stage loads: what one GPU of each stage holds, the verdict
 * against the engine's budget, and what the engine allocates.
 *
 * @param stages bytes per GPU of each pipeline stage, first stage first
 * @param fit the verdict, when the deployment has a budget
 * @param engine what the engine allocates, when the deployment has a budget
 */
public record EngineResult(
    List<MemoryBreakdown> stages, Optional<Fit> fit, Optional<EnginePlan> engine) {

  /**
   * Validates the arguments and copies {@code stages}.
   *
   * @param stages bytes per GPU of each stage, at least one
   * @param fit the verdict; empty without a budget
   * @param engine what the engine allocates; empty without a budget
   * @throws IllegalArgumentException if {@code stages} is empty
   */
  public EngineResult {
    stages = List.copyOf(stages);
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("at least one stage is required");
    }
    Objects.requireNonNull(fit, "fit");
    Objects.requireNonNull(engine, "engine");
  }

  /**
   * A result whose verdict compares the most loaded stage with the deployment's budget, if it has
   * one.
   *
   * @param stages bytes per GPU of each stage, at least one
   * @param deployment the deployment, whose {@link Deployment#memoryPerGpuBytes()} is the budget
   * @param engine what the engine allocates
   * @return the result; its fit is empty when the deployment has no budget, otherwise its headroom
   *     is the budget less the most loaded stage's total, negative when that does not fit
   * @throws IllegalArgumentException if {@code stages} is empty
   */
  public static EngineResult againstBudget(
      List<MemoryBreakdown> stages, Deployment deployment, Optional<EnginePlan> engine) {
    if (deployment.memoryPerGpuBytes().isEmpty()) {
      return new EngineResult(stages, Optional.empty(), engine);
    }
    long budget = deployment.memoryPerGpuBytes().getAsLong();
    long headroom = budget - mostLoaded(stages).totalBytes();
    return new EngineResult(stages, Optional.of(new Fit(budget, headroom)), engine);
  }

  /**
   * The stage with the largest total (the first of equals): what the most loaded GPU holds.
   *
   * @param stages bytes per GPU of each stage, at least one
   * @return one of {@code stages}
   * @throws IndexOutOfBoundsException if {@code stages} is empty
   */
  public static MemoryBreakdown mostLoaded(List<MemoryBreakdown> stages) {
    MemoryBreakdown worst = stages.get(0);
    long worstTotal = worst.totalBytes();
    for (int i = 1; i < stages.size(); i++) { // indexed: no iterator on the per-request path
      MemoryBreakdown stage = stages.get(i);
      long total = stage.totalBytes();
      if (total > worstTotal) {
        worst = stage;
        worstTotal = total;
      }
    }
    return worst;
  }
}
