package io.hwledger.math;

import static io.hwledger.math.TestModels.BF16;
import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.api.Attention;
import io.hwledger.api.Deployment;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.MemoryBreakdown;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Workload;
import io.hwledger.testsupport.Verifies;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Properties every plan must have, over seeded random models of every architecture class. */
@Verifies({"FR-PLAN-003", "FR-PLAN-005", "FR-PLAN-006", "FR-PLAN-007", "FR-SOLVE-001"})
class PlannerPropertiesTest {
  private static final Deployment ONE = Deployment.singleGpu();

  static java.util.stream.Stream<ModelSpec> models() {
    return RandomModels.models();
  }

  @ParameterizedTest
  @MethodSource("models")
  void memoryIsMonotonicInContextAndSequences(ModelSpec model) {
    Planner planner = Planner.of(model);
    long previous = -1;
    for (long context : new long[] {1, 7, 64, 1000, 4096, 4097, 50_000}) {
      long total = planner.plan(BF16, Workload.of(context, 3), ONE).total().totalBytes();
      assertThat(total).isGreaterThanOrEqualTo(previous);
      previous = total;
    }
    previous = -1;
    for (long users : new long[] {1, 2, 5, 64, 2048, 4096}) {
      long total = planner.plan(BF16, Workload.of(300, users), ONE).total().totalBytes();
      assertThat(total).isGreaterThanOrEqualTo(previous);
      previous = total;
    }
  }

  @ParameterizedTest
  @MethodSource("models")
  void stateIsConstantInContext(ModelSpec model) {
    Planner planner = Planner.of(model);
    long atOne = planner.plan(BF16, Workload.of(1, 4), ONE).total().stateBytes();
    long atMillion = planner.plan(BF16, Workload.of(1_000_000, 4), ONE).total().stateBytes();
    assertThat(atMillion).isEqualTo(atOne);
  }

  @ParameterizedTest
  @MethodSource("models")
  void aWindowCapsCacheGrowth(ModelSpec model) {
    // The same model with a window of W on every attention layer keeps the same cache at W and
    // at any longer context.
    long window = 512;
    List<LayerSpec> windowed =
        model.layers().stream()
            .map(
                l ->
                    l.mixer() instanceof Attention
                        ? new LayerSpec(
                            ((Attention) l.mixer()).withWindow(window), l.mlp(), l.norms())
                        : l)
            .collect(Collectors.toList());
    boolean hasLatent = model.layers().stream().anyMatch(l -> l.mixer().label().equals("mla"));
    ModelSpec capped =
        new ModelSpec(
            model.name(),
            model.vocabSize(),
            model.hiddenSize(),
            model.tiedEmbeddings(),
            model.norm(),
            windowed,
            model.contextLimit(),
            model.defaultPrecision());
    Planner planner = Planner.of(capped);
    long atWindow = planner.plan(BF16, Workload.of(window, 2), ONE).total().kvCacheBytes();
    long beyond = planner.plan(BF16, Workload.of(window * 100, 2), ONE).total().kvCacheBytes();
    if (hasLatent) {
      assertThat(beyond).isGreaterThanOrEqualTo(atWindow); // MLA layers have no window
    } else {
      assertThat(beyond).isEqualTo(atWindow);
    }
  }

  @ParameterizedTest
  @MethodSource("models")
  void pipelineStagesAddUpToTheWhole(ModelSpec model) {
    Planner planner = Planner.of(model);
    Workload w = Workload.of(777, 3);
    MemoryPlan whole = planner.plan(BF16, w, ONE);
    for (int pp = 2; pp <= model.layerCount(); pp++) {
      MemoryPlan split = planner.plan(BF16, w, ONE.withPipelineParallel(pp));
      List<MemoryBreakdown> stages = split.stages();
      assertThat(stages).hasSize(pp);
      assertThat(stages.stream().mapToLong(MemoryBreakdown::kvCacheBytes).sum())
          .isEqualTo(whole.total().kvCacheBytes());
      assertThat(stages.stream().mapToLong(MemoryBreakdown::stateBytes).sum())
          .isEqualTo(whole.total().stateBytes());
      // a tied embedding is held by the first and the last stage: vocab · hidden · 2 B once more
      long tiedCopy = model.tiedEmbeddings() ? 2L * model.vocabSize() * model.hiddenSize() : 0;
      assertThat(stages.stream().mapToLong(MemoryBreakdown::weightsBytes).sum())
          .isEqualTo(whole.total().weightsBytes() + tiedCopy);
      assertThat(split.perGpu().totalBytes())
          .isEqualTo(stages.stream().mapToLong(MemoryBreakdown::totalBytes).max().orElseThrow());
    }
  }

  @ParameterizedTest
  @MethodSource("models")
  void tensorParallelSharesOfCacheAddUpWhenHeadsDivide(ModelSpec model) {
    Planner planner = Planner.of(model);
    Workload w = Workload.of(333, 2);
    MemoryPlan whole = planner.plan(BF16, w, ONE);
    for (int tp : new int[] {2, 4}) {
      if (!headsDivide(model, tp)) {
        continue;
      }
      MemoryPlan split = planner.plan(BF16, w, ONE.withTensorParallel(tp));
      boolean hasLatent = model.layers().stream().anyMatch(l -> l.mixer().label().equals("mla"));
      if (hasLatent) {
        // the latent is replicated on every rank, so the ranks together hold more than one copy
        assertThat(split.total().kvCacheBytes()).isGreaterThan(whole.total().kvCacheBytes());
      } else {
        assertThat(split.total().kvCacheBytes()).isEqualTo(whole.total().kvCacheBytes());
      }
      assertThat(split.total().stateBytes()).isEqualTo(whole.total().stateBytes());
      assertThat(split.perGpu().weightsBytes()).isLessThan(whole.perGpu().weightsBytes());
    }
  }

  private static boolean headsDivide(ModelSpec model, int tp) {
    for (LayerSpec l : model.layers()) {
      if (l.mixer() instanceof Attention && ((Attention) l.mixer()).kvHeads() % tp != 0) {
        return false;
      }
      if (l.mixer().label().equals("mamba2") || l.mixer().label().equals("gated_deltanet")) {
        // heads are powers of two ≥ 2 in RandomModels; groups equal heads
        if (l.mixer() instanceof io.hwledger.api.Mamba2
            && ((io.hwledger.api.Mamba2) l.mixer()).heads() % tp != 0) {
          return false;
        }
        if (l.mixer() instanceof io.hwledger.api.GatedDeltaNet
            && ((io.hwledger.api.GatedDeltaNet) l.mixer()).keyHeads() % tp != 0) {
          return false;
        }
      }
      if (l.mixer() instanceof io.hwledger.api.Mamba1
          && ((io.hwledger.api.Mamba1) l.mixer()).innerSize() % tp != 0) {
        return false;
      }
    }
    return true;
  }

  @ParameterizedTest
  @MethodSource("models")
  void solversReturnTheLargestValueThatFits(ModelSpec model) {
    Planner planner = Planner.of(model);
    Workload w = Workload.of(100, 2);
    long base = planner.plan(BF16, w, ONE).perGpu().totalBytes();
    Deployment budgeted = ONE.withMemoryPerGpu(base + base / 3 + 12_345);
    OptionalLong context = CapacitySolver.maxContextTokens(planner, BF16, w, budgeted, 10_000_000);
    assertThat(context).isPresent();
    long c = context.getAsLong();
    assertThat(fits(planner, w.withContextTokens(c), budgeted)).isTrue();
    if (c < 10_000_000) {
      assertThat(fits(planner, w.withContextTokens(c + 1), budgeted)).isFalse();
    }
    OptionalLong users = CapacitySolver.maxSequences(planner, BF16, w, budgeted, 1_000_000);
    assertThat(users).isPresent();
    long n = users.getAsLong();
    assertThat(fits(planner, w.withSequences(n), budgeted)).isTrue();
    if (n < 1_000_000) {
      assertThat(fits(planner, w.withSequences(n + 1), budgeted)).isFalse();
    }
  }

  private static boolean fits(Planner planner, Workload w, Deployment d) {
    return planner.plan(BF16, w, d).fit().orElseThrow().fits();
  }
}
