package io.hwledger.math;

import io.hwledger.api.Deployment;
import io.hwledger.api.MemoryBreakdown;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import java.util.List;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.function.LongFunction;

/**
 * Answers capacity questions against a memory budget: the longest context, the most concurrent
 * sequences, and the fewest GPUs that fit.
 *
 * <p>Memory per GPU is piecewise linear and non-decreasing in context and in sequences; its kinks
 * sit at the sliding windows and where a forward pass reaches the prefill chunk. The solvers find
 * the last linear piece that starts inside the budget and solve it in closed form, then confirm the
 * answer with two exact plans (it fits, one more does not). A handful of plans per call, whatever
 * the bound.
 */
public final class CapacitySolver {
  private CapacitySolver() {}

  /**
   * The longest context per sequence, at most {@code maxTokens}, for which the workload's sequences
   * fit the deployment's per-GPU budget.
   *
   * @param planner the model's compiled planner
   * @param precision weight, KV cache and activation formats
   * @param workload sequences and prefill chunk to hold; its context length is ignored
   * @param deployment parallelism and GPU; must carry a memory budget per GPU
   * @param maxTokens upper bound to search, in tokens per sequence, e.g. the model's context limit
   * @return the longest context in tokens per sequence, or empty if not even one token fits
   * @throws IllegalArgumentException if the deployment has no memory budget or {@code maxTokens} is
   *     not positive
   */
  public static OptionalLong maxContextTokens(
      Planner planner,
      Precision precision,
      Workload workload,
      Deployment deployment,
      long maxTokens) {
    requireBudget(planner, precision, workload, deployment, maxTokens, "maxTokens");
    TreeSet<Long> kinks = new TreeSet<>();
    for (LayerKind kind : planner.layerKinds()) {
      kind.mixer.window().ifPresent(w -> addKink(kinks, w));
    }
    addKink(kinks, workload.prefillChunkTokens() / workload.sequences());
    return largestFitting(
        s -> planner.plan(precision, workload.withContextTokens(s), deployment), kinks, maxTokens);
  }

  /**
   * The most concurrent sequences, at most {@code maxSequences}, at the workload's context that fit
   * the deployment's per-GPU budget.
   *
   * @param planner the model's compiled planner
   * @param precision weight, KV cache and activation formats
   * @param workload context length and prefill chunk; its sequence count is ignored
   * @param deployment parallelism and GPU; must carry a memory budget per GPU
   * @param maxSequences upper bound to search
   * @return the most sequences, or empty if not even one fits
   * @throws IllegalArgumentException if the deployment has no memory budget or {@code maxSequences}
   *     is not positive
   */
  public static OptionalLong maxSequences(
      Planner planner,
      Precision precision,
      Workload workload,
      Deployment deployment,
      long maxSequences) {
    requireBudget(planner, precision, workload, deployment, maxSequences, "maxSequences");
    TreeSet<Long> kinks = new TreeSet<>();
    addKink(kinks, workload.prefillChunkTokens() / workload.contextTokens());
    addKink(kinks, workload.prefillChunkTokens());
    return largestFitting(
        n -> planner.plan(precision, workload.withSequences(n), deployment), kinks, maxSequences);
  }

  /**
   * The deployment with the fewest GPUs, at most {@code maxGpus}, that fits the per-GPU budget of
   * {@code deployment}. For each GPU count it tries tensor parallelism alone first, then more
   * pipeline stages; a tensor-parallel degree qualifies when it divides every layer's query heads
   * (SSM heads, linear-attention heads) and divides or is a multiple of its KV heads, as vLLM
   * requires.
   *
   * @param planner the model's compiled planner
   * @param precision weight, KV cache and activation formats
   * @param workload what every candidate must hold
   * @param deployment the GPU and its per-GPU budget; its own parallelism is replaced
   * @param maxGpus the most GPUs to try
   * @return the smallest fitting deployment, or empty if none up to {@code maxGpus} fits
   * @throws IllegalArgumentException if the deployment has no memory budget or {@code maxGpus} is
   *     not positive
   */
  public static Optional<Deployment> fewestGpus(
      Planner planner, Precision precision, Workload workload, Deployment deployment, int maxGpus) {
    requireBudget(planner, precision, workload, deployment, maxGpus, "maxGpus");
    int layers = planner.model().layerCount();
    LayerKind[] kinds = planner.layerKinds();
    for (int gpus = 1; gpus <= maxGpus; gpus++) {
      for (int pp = 1; pp <= Math.min(gpus, layers); pp++) {
        if (gpus % pp != 0 || !splitsEvenly(kinds, gpus / pp)) {
          continue;
        }
        Deployment candidate = deployment.withTensorParallel(gpus / pp).withPipelineParallel(pp);
        if (fits(planner.plan(precision, workload, candidate))) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean splitsEvenly(LayerKind[] kinds, int tp) {
    for (LayerKind kind : kinds) {
      if (!kind.mixer.splitsEvenly(tp)) {
        return false;
      }
    }
    return true;
  }

  private static void requireBudget(
      Planner planner, Precision p, Workload w, Deployment d, long bound, String name) {
    Objects.requireNonNull(planner, "planner");
    Objects.requireNonNull(p, "precision");
    Objects.requireNonNull(w, "workload");
    Objects.requireNonNull(d, "deployment");
    if (d.memoryPerGpuBytes().isEmpty()) {
      throw new IllegalArgumentException("the deployment needs a memory budget per GPU");
    }
    if (bound <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + bound);
    }
  }

  private static void addKink(NavigableSet<Long> kinks, long at) {
    if (at >= 1) {
      kinks.add(at);
      kinks.add(at + 1);
    }
  }

  /** Whether the plan at {@code x} fits; a plan too large to count does not. */
  private static boolean fitsWithoutOverflow(LongFunction<MemoryPlan> planAt, long x) {
    try {
      return fits(planAt.apply(x));
    } catch (IllegalArgumentException tooLarge) {
      return false;
    }
  }

  private static boolean fits(MemoryPlan plan) {
    return plan.fit().orElseThrow().fits();
  }

  /**
   * The largest {@code x} in {@code [1, max]} whose plan fits, given that every stage's total is
   * linear in {@code x} between consecutive {@code kinks}.
   */
  private static OptionalLong largestFitting(
      LongFunction<MemoryPlan> planAt, NavigableSet<Long> kinks, long max) {
    MemoryPlan atOne = planAt.apply(1);
    if (!fits(atOne)) {
      return OptionalLong.empty();
    }
    if (fitsWithoutOverflow(planAt, max)) {
      return OptionalLong.of(max);
    }
    // Last breakpoint that fits; the answer lies in [start, next).
    long start = 1;
    MemoryPlan startPlan = atOne;
    long next = max;
    for (long kink : kinks) {
      if (kink <= start) {
        continue;
      }
      if (kink >= max) {
        break;
      }
      MemoryPlan plan;
      try {
        plan = planAt.apply(kink);
      } catch (IllegalArgumentException tooLarge) {
        next = kink;
        break;
      }
      if (fits(plan)) {
        start = kink;
        startPlan = plan;
      } else {
        next = kink;
        break;
      }
    }
    long answer = next - 1;
    if (start + 1 < next) {
      List<MemoryBreakdown> base = startPlan.stages();
      List<MemoryBreakdown> step = planAt.apply(start + 1).stages();
      long budget = startPlan.fit().orElseThrow().budgetBytes();
      for (int s = 0; s < base.size(); s++) {
        long slope = step.get(s).totalBytes() - base.get(s).totalBytes();
        if (slope > 0) {
          long room = budget - base.get(s).totalBytes();
          answer = Math.min(answer, start + room / slope);
        }
      }
    } else {
      answer = start;
    }
    // The pieces are exactly linear; these loops only guard the arithmetic and run at most once.
    while (answer < next - 1 && fitsWithoutOverflow(planAt, answer + 1)) {
      answer++;
    }
    while (answer > start && !fits(planAt.apply(answer))) {
      answer--;
    }
    return OptionalLong.of(answer);
  }
}
