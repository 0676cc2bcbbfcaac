package io.hwledger.fleet.placement;

import io.hwledger.api.Fit;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.MemoryPlan;
import io.hwledger.ledger.events.PlanComputed;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A job planned for one GPU kind with its engine's profile ({@link JobPlanner#plan}): the memory
 * plan, the claim its engine process will hold on each GPU, the command that starts it, and the
 * {@code plan.computed} event that records it. Immutable and thread-safe.
 */
public final class JobPlan {
  private final GpuKind gpu;
  private final GpuSpec gpuSpec;
  private final int gpuCount;
  private final String engine;
  private final MemoryPlan memoryPlan;
  private final Fit fit;
  private final long claimBytes;
  private final Optional<List<String>> launchCommand;
  private final PlanComputed planComputed;
  private final List<String> notes;

  /**
   * A plan; {@link JobPlanner} makes them.
   *
   * @param memoryPlan a plan with a budget, so with a fit verdict
   * @throws IllegalArgumentException if the plan has no fit verdict or the claim is negative
   */
  JobPlan(
      GpuKind gpu,
      GpuSpec gpuSpec,
      int gpuCount,
      String engine,
      MemoryPlan memoryPlan,
      long claimBytes,
      Optional<List<String>> launchCommand,
      PlanComputed planComputed,
      List<String> notes) {
    this.gpu = Objects.requireNonNull(gpu, "gpu");
    this.gpuSpec = Objects.requireNonNull(gpuSpec, "gpuSpec");
    this.gpuCount = gpuCount;
    this.engine = Objects.requireNonNull(engine, "engine");
    this.memoryPlan = Objects.requireNonNull(memoryPlan, "memoryPlan");
    this.fit =
        memoryPlan
            .fit()
            .orElseThrow(() -> new IllegalArgumentException("a job plan needs a memory budget"));
    if (claimBytes < 0) {
      throw new IllegalArgumentException("claimBytes must be at least 0, was " + claimBytes);
    }
    this.claimBytes = claimBytes;
    this.launchCommand = launchCommand.map(List::copyOf);
    this.planComputed = Objects.requireNonNull(planComputed, "planComputed");
    this.notes = List.copyOf(notes);
  }

  /**
   * The GPU kind this plan is for.
   *
   * @return the kind as the agent reported it
   */
  public GpuKind gpu() {
    return gpu;
  }

  /**
   * The GPU specification the plan used: the catalog's entry for the reported name with the
   * reported total as its memory, or one made from the reported name and total alone when the
   * catalog has none ({@link #notes()} says which).
   *
   * @return the specification
   */
  public GpuSpec gpuSpec() {
    return gpuSpec;
  }

  /**
   * GPUs of this kind on one host the job runs on: its tensor-parallel degree.
   *
   * @return at least 1
   */
  public int gpuCount() {
    return gpuCount;
  }

  /**
   * The engine's id.
   *
   * @return e.g. {@code vllm}, {@code llamacpp}
   */
  public String engine() {
    return engine;
  }

  /**
   * The planner's memory plan, against a budget of one GPU's memory.
   *
   * @return the plan, with its fit verdict
   */
  public MemoryPlan memoryPlan() {
    return memoryPlan;
  }

  /**
   * What the engine process will hold on each GPU, bytes: the engine's memory limit for engines
   * that take it up front whatever the workload (vLLM's total × {@code gpu-memory-utilization},
   * SGLang's total × {@code mem-fraction-static}, TensorRT-LLM's whole budget, of whose free memory
   * it takes a fraction), otherwise the plan's per-GPU bytes (the most loaded GPU).
   *
   * @return the claim per GPU, bytes
   */
  public long claimBytes() {
    return claimBytes;
  }

  /**
   * The plan's bytes on its most loaded GPU: weights, caches, activations and overhead.
   *
   * @return bytes per GPU
   */
  public long neededBytes() {
    return memoryPlan.perGpu().totalBytes();
  }

  /**
   * The memory the engine lets the model use on each GPU, which {@link #neededBytes()} must fit:
   * vLLM's and SGLang's share of the total, otherwise the GPU's budget.
   *
   * @return bytes per GPU
   */
  public long budgetBytes() {
    return fit.budgetBytes();
  }

  /**
   * Whether the model fits the engine's budget on every GPU.
   *
   * @return the plan's fit verdict
   */
  public boolean fits() {
    return fit.fits();
  }

  /**
   * The program and arguments that start the engine, without {@code CUDA_VISIBLE_DEVICES} (the
   * agent sets it to the placed GPUs).
   *
   * @return the argument vector; empty for the generic engine, which has no program
   */
  public Optional<List<String>> launchCommand() {
    return launchCommand;
  }

  /**
   * The ledger event recording this plan: its canonical inputs (model, source, workload, precision,
   * deployment, engine and settings, the GPU planned for) and their SHA-256.
   *
   * @return the {@code plan.computed} event
   */
  public PlanComputed planComputed() {
    return planComputed;
  }

  /**
   * SHA-256 of the plan's canonical inputs, as {@link #planComputed()} records it.
   *
   * @return 64 lower-case hex digits
   */
  public String inputsHash() {
    return planComputed.inputsHash();
  }

  /**
   * What the operator should know about how the plan was made: a GPU the catalog lacks, a reported
   * total that differs from the catalog's, a context beyond the model's limit, an engine without a
   * launch command.
   *
   * @return one line each; unmodifiable
   */
  public List<String> notes() {
    return notes;
  }

  @Override
  public String toString() {
    return "JobPlan["
        + memoryPlan.model()
        + " on "
        + gpuCount
        + " × "
        + gpu.productName()
        + " with "
        + engine
        + ": claim "
        + claimBytes
        + " B per GPU, "
        + (fits() ? "fits" : "does not fit")
        + "]";
  }
}
