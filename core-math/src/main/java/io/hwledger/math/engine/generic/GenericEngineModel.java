package io.hwledger.math.engine.generic;

import io.hwledger.api.Deployment;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.GenericEngine;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.MemoryBreakdown;
import io.hwledger.api.Workload;
import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.EngineModels;
import io.hwledger.math.engine.EngineResult;
import io.hwledger.math.engine.EngineSetting;
import io.hwledger.math.engine.LaunchRequest;
import io.hwledger.math.engine.PlanInput;
import io.hwledger.math.engine.SettingValues;
import io.hwledger.math.engine.StageInput;
import java.util.List;
import java.util.Optional;

/**
 * The generic engine: no particular engine's accounting.
 *
 * <ul>
 *   <li>One forward pass processes {@code T = min(prefillChunkTokens, contextTokens · sequences)}
 *       tokens; activations are each stage's {@link StageInput#forwardActivationBytes} of {@code
 *       T}.
 *   <li>The last stage also holds fp32 logits for one token per sequence in the pass: {@code
 *       min(sequences, T) · ceil(vocab / TP) · 4} bytes.
 *   <li>Each GPU carries {@link #RUNTIME_OVERHEAD_BYTES} of runtime overhead.
 *   <li>The cache holds exactly the workload's tokens; with a budget, {@link
 *       EnginePlan#maxConcurrency()} is the whole sequences of the workload's context that fit
 *       beside the weights, activations and overhead of each stage.
 * </ul>
 */
public final class GenericEngineModel implements EngineModel<GenericEngine> {

  /**
   * Runtime memory outside tensors on every GPU, bytes: 1 GiB, covering a CUDA context with
   * cuBLAS/cuDNN workspaces (measured at 0.5–1 GiB on data-centre GPUs) and caching-allocator
   * slack. Engines with their own accounting replace it.
   */
  public static final long RUNTIME_OVERHEAD_BYTES = 1L << 30;

  /** The provider constructor. */
  public GenericEngineModel() {}

  @Override
  public String id() {
    return GenericEngine.ID;
  }

  @Override
  public String description() {
    return "no particular engine: caches sized exactly for the workload (default)";
  }

  @Override
  public Class<GenericEngine> settingsType() {
    return GenericEngine.class;
  }

  @Override
  public List<EngineSetting> settings() {
    return List.of();
  }

  @Override
  public GenericEngine defaults() {
    return new GenericEngine();
  }

  @Override
  public GenericEngine configure(SettingValues values, Optional<GpuSpec> gpu) {
    return defaults();
  }

  @Override
  public EngineResult plan(PlanInput in, GenericEngine engine) {
    Workload w = in.workload();
    long passTokens =
        Math.min(w.prefillChunkTokens(), saturatingMultiply(w.contextTokens(), w.sequences()));
    MemoryBreakdown[] held = new MemoryBreakdown[in.stages().size()];
    for (int s = 0; s < held.length; s++) {
      StageInput stage = in.stages().get(s);
      long activation = stage.forwardActivationBytes(passTokens);
      if (stage.last()) {
        activation = Math.addExact(activation, in.logitBytes(Math.min(w.sequences(), passTokens)));
      }
      held[s] =
          stage.holding(
              stage.kvBytesPerSequence(w.contextTokens()),
              w.sequences(),
              activation,
              RUNTIME_OVERHEAD_BYTES);
    }
    List<MemoryBreakdown> stages = List.of(held);
    return EngineResult.againstBudget(stages, in.deployment(), allocation(in, stages));
  }

  /**
   * The workload's own tokens of cache, and the sequences of the workload's context that fit beside
   * the weights, activations and overhead of each stage.
   */
  private static Optional<EnginePlan> allocation(PlanInput in, List<MemoryBreakdown> stages) {
    Deployment d = in.deployment();
    Workload w = in.workload();
    if (d.memoryPerGpuBytes().isEmpty()) {
      return Optional.empty();
    }
    long budget = d.memoryPerGpuBytes().getAsLong();
    long sequences = Long.MAX_VALUE;
    for (int s = 0; s < stages.size(); s++) {
      MemoryBreakdown stage = stages.get(s);
      StageInput input = in.stages().get(s);
      long free =
          Math.max(
              0, budget - stage.weightsBytes() - stage.activationBytes() - stage.overheadBytes());
      long request =
          Math.addExact(input.kvBytesPerSequence(w.contextTokens()), input.stateBytesPerSequence());
      sequences = Math.min(sequences, request == 0 ? 0 : free / request);
    }
    long tokens = Math.multiplyExact(w.contextTokens(), w.sequences());
    long kv = EngineResult.mostLoaded(stages).kvCacheBytes();
    return Optional.of(new EnginePlan(GenericEngine.ID, budget, kv, tokens, sequences, 0));
  }

  @Override
  public List<String> launch(LaunchRequest request, GenericEngine engine) {
    List<String> engines =
        EngineModels.defaults().ids().stream().filter(id -> !id.equals(GenericEngine.ID)).toList();
    if (engines.isEmpty()) {
      throw new IllegalArgumentException("export needs an engine other than generic");
    }
    String last = engines.get(engines.size() - 1);
    String others = String.join(", ", engines.subList(0, engines.size() - 1));
    throw new IllegalArgumentException(
        "export needs --engine " + (others.isEmpty() ? last : others + " or " + last));
  }

  private static long saturatingMultiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
  }
}
