package io.hwledger.math;

import static io.hwledger.math.TestModels.BF16;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.api.Attention;
import io.hwledger.api.Deployment;
import io.hwledger.api.LayerMemory;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Workload;
import io.hwledger.testsupport.Verifies;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Plans whose weights are a checkpoint's stored bytes; expected bytes are written out by hand. */
@Verifies({"FR-PLAN-010", "FR-PLAN-006", "FR-PLAN-007", "FR-PLAN-009"})
class CheckpointPlanTest {
  // four layers of uneven size, as a mixed quantisation stores them
  private static final CheckpointWeights UNTIED =
      new CheckpointWeights("test", 1, 1_000, 800, 10, List.of(100L, 200L, 300L, 401L));
  private static final Workload ONE_TOKEN = Workload.of(1, 1);

  private static ModelSpec fourLayers(boolean tied) {
    ModelSpec untied = TestModels.dense("four", 1000, 256, 4, Attention.full(4, 4, 64), 512, 4096);
    return new ModelSpec(
        untied.name(),
        untied.vocabSize(),
        untied.hiddenSize(),
        tied,
        untied.norm(),
        untied.layers(),
        untied.contextLimit(),
        untied.defaultPrecision());
  }

  @Test
  void oneGpuHoldsEveryStoredByte() {
    MemoryPlan plan =
        Planner.of(fourLayers(false), UNTIED).plan(BF16, ONE_TOKEN, Deployment.singleGpu());
    // 1,000 embedding + 800 head + 10 other + 100 + 200 + 300 + 401 layers
    assertThat(plan.perGpu().weightsBytes()).isEqualTo(2_811);
    assertThat(plan.total().weightsBytes()).isEqualTo(UNTIED.totalBytes()).isEqualTo(2_811);
  }

  @Test
  void pipelineStagesSplitLayersAndPutEmbeddingFirstAndHeadLast() {
    MemoryPlan plan =
        Planner.of(fourLayers(false), UNTIED)
            .plan(BF16, ONE_TOKEN, Deployment.singleGpu().withPipelineParallel(2));
    // stage 0: layers 0-1 (100 + 200) + embedding 1,000; stage 1: layers 2-3 (300 + 401) +
    // head 800 + final norm 10
    assertThat(plan.stages().get(0).weightsBytes()).isEqualTo(1_300);
    assertThat(plan.stages().get(1).weightsBytes()).isEqualTo(1_511);
  }

  @Test
  void tiedHeadIsCopiedToTheLastStageOnlyUnderPipelineParallelism() {
    CheckpointWeights tied =
        new CheckpointWeights("test", 1, 1_000, 0, 10, List.of(100L, 200L, 300L, 401L));
    Planner planner = Planner.of(fourLayers(true), tied);
    assertThat(planner.plan(BF16, ONE_TOKEN, Deployment.singleGpu()).perGpu().weightsBytes())
        .isEqualTo(2_011); // 1,000 + 10 + 1,001
    MemoryPlan pp = planner.plan(BF16, ONE_TOKEN, Deployment.singleGpu().withPipelineParallel(2));
    // stage 1: 300 + 401 + 10 + the tied table again, 1,000
    assertThat(pp.stages().get(1).weightsBytes()).isEqualTo(1_711);
  }

  @Test
  void tensorParallelRanksHoldACeilingShare() {
    MemoryPlan plan =
        Planner.of(fourLayers(false), UNTIED)
            .plan(BF16, ONE_TOKEN, Deployment.singleGpu().withTensorParallel(2));
    // layers ceil(1,001 / 2) = 501, embedding 500, head 400, other 5
    assertThat(plan.perGpu().weightsBytes()).isEqualTo(1_406);
  }

  @Test
  void layerRowsShowEachLayersStoredBytes() {
    MemoryPlan plan =
        Planner.of(fourLayers(false), UNTIED)
            .planWithLayers(BF16, ONE_TOKEN, Deployment.singleGpu());
    assertThat(plan.layers())
        .extracting(LayerMemory::weightsBytes)
        .containsExactly(100L, 200L, 300L, 401L);
  }

  @Test
  void layerCountMustMatchTheModel() {
    CheckpointWeights three =
        new CheckpointWeights("test", 1, 1_000, 0, 10, List.of(100L, 200L, 300L));
    assertThatThrownBy(() -> Planner.of(fourLayers(false), three))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("checkpoint has 3 decoder layers but model 'four' has 4");
  }
}
