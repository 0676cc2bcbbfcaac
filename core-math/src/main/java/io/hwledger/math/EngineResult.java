package io.hwledger.math;

import io.hwledger.api.Deployment;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.Fit;
import io.hwledger.api.MemoryBreakdown;
import java.util.List;
import java.util.Optional;

/** What an engine's rules make of the stage loads: each stage's memory, a verdict, the engine. */
record EngineResult(List<MemoryBreakdown> stages, Optional<Fit> fit, Optional<EnginePlan> engine) {

  /**
   * A result whose verdict compares the most loaded stage with the deployment's budget, if it has
   * one.
   */
  static EngineResult againstBudget(
      List<MemoryBreakdown> stages, Deployment d, Optional<EnginePlan> engine) {
    if (d.memoryPerGpuBytes().isEmpty()) {
      return new EngineResult(stages, Optional.empty(), engine);
    }
    long budget = d.memoryPerGpuBytes().getAsLong();
    long headroom = budget - mostLoaded(stages).totalBytes();
    return new EngineResult(stages, Optional.of(new Fit(budget, headroom)), engine);
  }

  /** The stage with the largest total (the first of equals): what the most loaded GPU holds. */
  static MemoryBreakdown mostLoaded(List<MemoryBreakdown> stages) {
    MemoryBreakdown worst = stages.get(0);
    for (MemoryBreakdown stage : stages) {
      if (stage.totalBytes() > worst.totalBytes()) {
        worst = stage;
      }
    }
    return worst;
  }
}
