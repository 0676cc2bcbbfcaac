package io.hwledger.math;

import static io.hwledger.math.TestModels.BF16;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.api.Deployment;
import io.hwledger.api.Workload;
import io.hwledger.testsupport.Verifies;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

@Verifies("FR-SOLVE-001")
class CapacitySolverTest {
  private static final Planner LLAMA_8B = Planner.of(TestModels.llama31_8b());
  private static final Planner LLAMA_70B = Planner.of(TestModels.llama3_70b());

  @Test
  void longestContextIsTheLastTokenThatFits() {
    Workload w = Workload.of(1, 1);
    long fixed =
        LLAMA_8B.plan(BF16, Workload.of(2048, 1), Deployment.singleGpu()).perGpu().totalBytes()
            - 2048L * 131_072;
    // Past the prefill chunk, each token adds exactly 131,072 B (REFERENCES.md §1): a budget of
    // the fixed part plus 100,000.5 tokens of cache holds 100,000 tokens.
    Deployment budget =
        Deployment.singleGpu().withMemoryPerGpu(fixed + 100_000L * 131_072 + 65_536);
    OptionalLong longest = CapacitySolver.maxContextTokens(LLAMA_8B, BF16, w, budget, 1 << 20);
    assertThat(longest).hasValue(100_000);
  }

  @Test
  void contextIsCappedByTheCallersBound() {
    Deployment big = Deployment.singleGpu().withMemoryPerGpu(1L << 40);
    assertThat(CapacitySolver.maxContextTokens(LLAMA_8B, BF16, Workload.of(1, 1), big, 131_072))
        .hasValue(131_072);
  }

  @Test
  void nothingFitsGivesEmpty() {
    Deployment tiny = Deployment.singleGpu().withMemoryPerGpu(1L << 30);
    assertThat(CapacitySolver.maxContextTokens(LLAMA_8B, BF16, Workload.of(1, 1), tiny, 1000))
        .isEmpty();
    assertThat(CapacitySolver.maxSequences(LLAMA_8B, BF16, Workload.of(1, 1), tiny, 1000))
        .isEmpty();
  }

  @Test
  void mostSequencesAtAContext() {
    Workload w = Workload.of(8192, 1);
    Deployment budget = Deployment.singleGpu().withMemoryPerGpu(80L << 30);
    long n = CapacitySolver.maxSequences(LLAMA_8B, BF16, w, budget, 1_000_000).orElseThrow();
    assertThat(LLAMA_8B.plan(BF16, w.withSequences(n), budget).fit().orElseThrow().fits()).isTrue();
    assertThat(LLAMA_8B.plan(BF16, w.withSequences(n + 1), budget).fit().orElseThrow().fits())
        .isFalse();
    // each 8K sequence needs 1 GiB of cache: 80 GiB minus ~15 GiB of weights leaves room for
    // between 60 and 64 of them
    assertThat(n).isBetween(60L, 64L);
  }

  @Test
  void fewestGpusForLlama70bOn80GiB() {
    // 70.55 B parameters in bf16 are 131.4 GiB of weights; 32 sequences of 8K add
    // 32 · 8192 · 327,680 B = 80 GiB of cache: 211.4 GiB does not fit two 80 GiB GPUs. With three,
    // TP 3 does not divide 64 heads, so the layers go into 3 pipeline stages (27, 27, 26 layers):
    // about 27/80 of 209.4 GiB plus a 1 GiB embedding, overhead and activations, under 80 GiB.
    Deployment h100 = Deployment.singleGpu().withMemoryPerGpu(80L << 30);
    Deployment best =
        CapacitySolver.fewestGpus(LLAMA_70B, BF16, Workload.of(8192, 32), h100, 16).orElseThrow();
    assertThat(best.gpuCount()).isEqualTo(3);
    assertThat(best.tensorParallel()).isEqualTo(1);
    assertThat(best.pipelineParallel()).isEqualTo(3);
    // two GPUs are not enough
    Deployment two =
        CapacitySolver.fewestGpus(LLAMA_70B, BF16, Workload.of(8192, 32), h100, 2).orElse(null);
    assertThat(two).isNull();
  }

  @Test
  void aBudgetIsRequired() {
    assertThatThrownBy(
            () ->
                CapacitySolver.maxContextTokens(
                    LLAMA_8B, BF16, Workload.of(1, 1), Deployment.singleGpu(), 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memory budget");
  }
}
