package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hwledger.api.DType;
import io.hwledger.api.Deployment;
import io.hwledger.api.Engine;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.Mamba2;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.NoMlp;
import io.hwledger.api.NormKind;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.EngineModels;
import io.hwledger.testsupport.Verifies;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

@Verifies({"FR-SPEED-001", "FR-SPEED-002"})
class SpeedModelTest {
  /**
   * A GPU whose bandwidth is not published (the catalog's rows all have one now that the M3 Max's
   * 400 GB/s is cited).
   */
  private static final GpuSpec NO_BANDWIDTH =
      new GpuSpec(
          "no-bandwidth",
          "A GPU without a published bandwidth",
          "Apple",
          128L << 30,
          OptionalLong.empty(),
          true,
          OptionalLong.of(96L << 30),
          Map.of(),
          List.of());

  private static final Precision BF16 = Precision.of(DType.BF16, DType.BF16);
  private static final GpuSpec H100 = GpuCatalog.builtIn().get("h100-sxm-80gb");

  /** One GPU on llama.cpp. */
  private static final Deployment LLAMA_CPP =
      Deployment.singleGpu().withEngine(EngineModels.defaults().get("llamacpp").defaults());

  /** Llama 3.1 8B with the engine's own utilisation set. */
  private final SpeedModel byEngine = SpeedModel.of(ModelCatalog.builtIn().spec("llama-3.1-8b"));

  /**
   * Llama 3.1 8B with a fixed pair, MBU 0.68 and MFU 0.80 and no per-layer time, which the hand
   * arithmetic below uses, so that it does not move when the engines are recalibrated.
   */
  private final SpeedModel llama8b = byEngine.withUtilization(0.68, 0.80);

  @Test
  void batchOneDecodeIsWeightBytesOverUsableBandwidth() {
    // Llama 3.1 8B: 8,030,261,248 parameters, of which the input embedding 128256 · 4096 =
    // 525,336,576 is only looked up, so a step reads (8,030,261,248 − 525,336,576) · 2 =
    // 15,009,849,344 bytes. H100 SXM: 3.35e12 B/s · MBU 0.68 = 2.278e12 B/s.
    // 15,009,849,344 / 2.278e12 = 6.5891 ms per token = 151.77 tokens/s.
    DecodeRate one = estimate(llama8b, BF16, 1, 0, new long[] {1}, LLAMA_CPP, H100).decode().get(0);
    assertThat(one.stepSeconds()).isCloseTo(6.5891e-3, within(0.001e-3));
    assertThat(one.tokensPerSecond()).isCloseTo(151.77, within(0.05));
    assertThat(one.bound()).isEqualTo(SpeedBound.MEMORY);
  }

  @Test
  void aCheckpointsStoredBytesAreWhatADecodeStepReads() {
    // a file storing 200,000,000 B per layer (32 layers), a 300,000,000 B embedding (looked up, not
    // read), a 400,000,000 B output head and 16,384 B of norms: a batch-1 step at context 0 reads
    // 32 · 2e8 + 4e8 + 16,384 = 6,800,016,384 B; at 2.278e12 B/s that is 2.98508 ms.
    CheckpointWeights stored =
        new CheckpointWeights(
            "test",
            1,
            300_000_000L,
            400_000_000L,
            16_384,
            java.util.Collections.nCopies(32, 200_000_000L));
    SpeedModel fromFile =
        SpeedModel.of(Planner.of(ModelCatalog.builtIn().spec("llama-3.1-8b"), stored))
            .withUtilization(0.68, 0.80);
    DecodeRate one =
        estimate(fromFile, BF16, 1, 0, new long[] {1}, LLAMA_CPP, H100).decode().get(0);
    assertThat(one.stepSeconds()).isCloseTo(2.98508e-3, within(0.00001e-3));
  }

  @Test
  void largeBatchReachesTheComputeCap() {
    // 2 · 7,504,924,672 active parameters = 1.50098e10 operations per token; bf16 989.5e12 · MFU
    // 0.80 = 7.916e14 operations/s, so a compute-bound step yields 7.916e14 / 1.50098e10 = 52,739
    // tokens/s. Memory time (6.589 ms) equals compute time at a batch of 347.5.
    SpeedEstimate e = estimate(llama8b, BF16, 1, 0, new long[] {256, 512}, LLAMA_CPP, H100);
    assertThat(e.decode().get(0).bound()).isEqualTo(SpeedBound.MEMORY);
    DecodeRate big = e.decode().get(1);
    assertThat(big.bound()).isEqualTo(SpeedBound.COMPUTE);
    assertThat(big.tokensPerSecond()).isCloseTo(52_739, within(5.0));
  }

  @Test
  void prefillIsCompute() {
    // 1024-token prompt: layers 2 · 6,979,584,000 · 1024 = 1.429419e13, attention 32 layers ·
    // 2 · 32 heads · 256 · (1024 · 1025 / 2) = 2.75146e11, head of the last token 2 ·
    // 525,340,672 = 1.0507e9; total 1.457039e13 / 7.916e14 = 18.406 ms.
    SpeedEstimate e = estimate(llama8b, BF16, 1024, 0, new long[] {1}, LLAMA_CPP, H100);
    assertThat(e.prefillSeconds().getAsDouble()).isCloseTo(18.406e-3, within(0.01e-3));
    assertThat(e.computeDtype()).contains("bf16");
  }

  /**
   * A set whose kernels accumulate in fp16 (llama.cpp's cuBLAS path, {@code CUBLAS_COMPUTE_16F})
   * runs at a GeForce part's fp16-accumulate peak: the RTX 4090's 330.3 dense TFLOPS (Ada
   * whitepaper, twice its 165.2 with fp32 accumulate). The 1024-token prompt of {@link
   * #prefillIsCompute}, 1.457039e13 operations, at MFU 0.80: / (330.3e12 · 0.80) = 55.141 ms
   * (memory: 15,009,849,344 B / (1.008e12 · 0.68) = 21.9 ms, less); at the bf16 peak 165.2e12 ·
   * 0.80 = 1.3216e14, 110.248 ms. On the H100, whose fp16 rate does not depend on the accumulator,
   * the fp16 peak 989.5e12: 18.406 ms, as with bf16.
   */
  @Test
  @Verifies("FR-PLAN-030")
  void fp16AccumulateRunsAtTheGeForceFp16AccumulatePeak() {
    GpuSpec rtx4090 = GpuCatalog.builtIn().get("rtx-4090");
    SpeedModel halfAccumulate =
        byEngine.withUtilization(new Utilization(0.68, 0.80, 0.68, 0.80, 0, true));
    SpeedEstimate fast =
        estimate(halfAccumulate, BF16, 1024, 0, new long[] {1}, LLAMA_CPP, rtx4090);
    assertThat(fast.computeDtype()).contains("fp16acc16");
    assertThat(fast.prefillSeconds().getAsDouble()).isCloseTo(55.141e-3, within(0.01e-3));
    SpeedEstimate slow = estimate(llama8b, BF16, 1024, 0, new long[] {1}, LLAMA_CPP, rtx4090);
    assertThat(slow.computeDtype()).contains("bf16");
    assertThat(slow.prefillSeconds().getAsDouble()).isCloseTo(110.248e-3, within(0.01e-3));
    SpeedEstimate h100 = estimate(halfAccumulate, BF16, 1024, 0, new long[] {1}, LLAMA_CPP, H100);
    assertThat(h100.computeDtype()).contains("fp16");
    assertThat(h100.prefillSeconds().getAsDouble()).isCloseTo(18.406e-3, within(0.01e-3));
  }

  @Test
  void theDeploymentsEngineSelectsThePair() {
    // Generic and vLLM take the serving pair: 3.35e12 B/s · MBU 0.65 = 2.1775e12 B/s, so the
    // 15,009,849,344 bytes of a Llama 3.1 8B bf16 step take 6.8932 ms.
    for (Engine engine :
        List.of(Engine.generic(), EngineModels.defaults().get("vllm").defaults())) {
      SpeedEstimate e =
          estimate(
              byEngine,
              BF16,
              1,
              0,
              new long[] {1},
              Deployment.singleGpu().withEngine(engine),
              H100);
      assertThat(e.memoryBandwidthUtilization()).isEqualTo(0.65);
      assertThat(e.modelFlopsUtilization()).isEqualTo(0.53);
      assertThat(e.decode().get(0).stepSeconds()).isCloseTo(6.8932e-3, within(0.001e-3));
    }
    assertThat(byEngine.utilization(LLAMA_CPP)).isSameAs(Utilization.LLAMA_CPP);
    // llama.cpp on the H100: bf16 weights take MBU 0.82, 3.35e12 · 0.82 = 2.747e12 B/s, so
    // 15,009,849,344 B take 5.46409 ms, and 32 layers · 30 µs add 0.96 ms.
    SpeedEstimate onLlamaCpp = estimate(byEngine, BF16, 1, 0, new long[] {1}, LLAMA_CPP, H100);
    assertThat(onLlamaCpp.decode().get(0).stepSeconds()).isCloseTo(6.42409e-3, within(0.001e-3));
    Deployment mlx =
        Deployment.singleGpu().withEngine(EngineModels.defaults().get("mlx").defaults());
    assertThat(byEngine.utilization(mlx)).isSameAs(Utilization.LLAMA_CPP_METAL);
  }

  @Test
  void compressedWeightsTakeTheirOwnBandwidthFractionAndEveryLayerAddsItsFixedTime() {
    // The stored checkpoint of aCheckpointsStoredBytesAreWhatADecodeStepReads: a batch-1 step
    // reads 6,800,016,384 B. With q8_0 weights the quantised MBU 0.5 applies: 3.35e12 · 0.5 =
    // 1.675e12 B/s, 4.05971 ms; bf16 weights take MBU 0.8: 2.68e12 B/s, 2.53732 ms. Each of the 32
    // layers adds 100 µs to the pass: + 3.2 ms.
    CheckpointWeights stored =
        new CheckpointWeights(
            "test",
            1,
            300_000_000L,
            400_000_000L,
            16_384,
            java.util.Collections.nCopies(32, 200_000_000L));
    SpeedModel fromFile =
        SpeedModel.of(Planner.of(ModelCatalog.builtIn().spec("llama-3.1-8b"), stored))
            .withUtilization(new Utilization(0.8, 0.8, 0.5, 0.4, 100e-6));
    Precision q8 = Precision.of(DType.parse("q8_0"), DType.BF16);
    assertThat(
            estimate(fromFile, q8, 1, 0, new long[] {1}, LLAMA_CPP, H100)
                .decode()
                .get(0)
                .stepSeconds())
        .isCloseTo(4.05971e-3 + 3.2e-3, within(0.00001e-3));
    assertThat(
            estimate(fromFile, BF16, 1, 0, new long[] {1}, LLAMA_CPP, H100)
                .decode()
                .get(0)
                .stepSeconds())
        .isCloseTo(2.53732e-3 + 3.2e-3, within(0.00001e-3));
    // Prefill (prefillIsCompute: 1.457039e13 operations) at bf16 989.5e12 · MFU 0.4 = 3.958e14
    // operations/s for q8_0 weights: 36.8125 ms, plus 3.2 ms for the layers.
    assertThat(
            estimate(
                    llama8b.withUtilization(new Utilization(0.8, 0.8, 0.5, 0.4, 100e-6)),
                    q8,
                    1024,
                    0,
                    new long[] {1},
                    LLAMA_CPP,
                    H100)
                .prefillSeconds()
                .getAsDouble())
        .isCloseTo(36.8125e-3 + 3.2e-3, within(0.01e-3));
  }

  @Test
  void llamaCppAndMlxTakeMetalsPerLayerTimeOnAppleGpus() {
    GpuSpec m2Ultra = GpuCatalog.builtIn().get("apple-m2-ultra-192gb");
    Deployment mlx =
        Deployment.singleGpu().withEngine(EngineModels.defaults().get("mlx").defaults());
    assertThat(byEngine.utilization(LLAMA_CPP.onGpu(m2Ultra)))
        .isSameAs(Utilization.LLAMA_CPP_METAL);
    assertThat(byEngine.utilization(LLAMA_CPP.onGpu(H100))).isSameAs(Utilization.LLAMA_CPP);
    assertThat(byEngine.utilization(mlx.onGpu(m2Ultra))).isSameAs(Utilization.LLAMA_CPP_METAL);
    Deployment vllm =
        Deployment.singleGpu().withEngine(EngineModels.defaults().get("vllm").defaults());
    assertThat(byEngine.utilization(vllm.onGpu(m2Ultra))).isSameAs(Utilization.SERVING);
  }

  @Test
  void withUtilizationOverridesEveryEngine() {
    SpeedModel own = llama8b.withUtilization(0.5, 0.25);
    for (EngineModel<?> m : EngineModels.defaults().all()) {
      Deployment d = Deployment.singleGpu().withEngine(m.defaults());
      assertThat(own.utilization(d)).isEqualTo(new Utilization(0.5, 0.25));
    }
    // 15,009,849,344 bytes / (3.35e12 · 0.5) = 8.9611 ms.
    DecodeRate one = estimate(own, BF16, 1, 0, new long[] {1}, LLAMA_CPP, H100).decode().get(0);
    assertThat(one.stepSeconds()).isCloseTo(8.9611e-3, within(0.001e-3));
  }

  @Test
  void moreBatchMeansMoreAggregateNeverMorePerSequence() {
    long[] batches = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
    List<DecodeRate> rows =
        estimate(llama8b, BF16, 1, 4096, batches, Deployment.singleGpu(), H100).decode();
    for (int i = 1; i < rows.size(); i++) {
      assertThat(rows.get(i).tokensPerSecond()).isGreaterThan(rows.get(i - 1).tokensPerSecond());
      assertThat(rows.get(i).tokensPerSecondPerSequence())
          .isLessThanOrEqualTo(rows.get(i - 1).tokensPerSecondPerSequence());
    }
  }

  @Test
  void tensorParallelismHelpsLessThanLinearly() {
    SpeedModel llama70b = SpeedModel.of(ModelCatalog.builtIn().spec("llama-3.1-70b"));
    double one = step(llama70b, 1, 1);
    double two = step(llama70b, 2, 1);
    double four = step(llama70b, 4, 1);
    assertThat(two).isLessThan(one).isGreaterThan(one / 2);
    assertThat(four).isLessThan(two).isGreaterThan(two / 2);
  }

  @Test
  void pipelineBatchOneIsNoFasterThanOneGpu() {
    SpeedModel llama70b = SpeedModel.of(ModelCatalog.builtIn().spec("llama-3.1-70b"));
    assertThat(step(llama70b, 1, 2)).isGreaterThanOrEqualTo(step(llama70b, 1, 1) * 0.999);
  }

  @Test
  void moeReadsMoreExpertsAsTheBatchGrows() {
    // Mixtral: 8 experts, top-2: one token touches 2, two tokens 8 · (1 − 0.75²) = 3.5.
    assertThat(MoeMlpKind.expectedDistinctExperts(8, 2, 1)).isCloseTo(2.0, within(1e-12));
    assertThat(MoeMlpKind.expectedDistinctExperts(8, 2, 2)).isCloseTo(3.5, within(1e-12));
    SpeedModel mixtral = SpeedModel.of(ModelCatalog.builtIn().spec("mixtral-8x7b-v0.1"));
    List<DecodeRate> rows =
        estimate(mixtral, BF16, 1, 0, new long[] {1, 2}, Deployment.singleGpu(), H100).decode();
    assertThat(rows.get(1).stepSeconds()).isGreaterThan(rows.get(0).stepSeconds());
  }

  @Test
  void theWorkloadApiTakesTheGpuFromTheDeployment() {
    // The same Llama 3.1 8B step as above, at context 1: 15,009,849,344 weight bytes plus 32
    // layers · 8 KV heads · 128 · 2 (K and V) · 2 bytes = 131,072 KV bytes per sequence, over
    // 2.278e12 B/s = 6.589105 ms at batch 1; the loose-number roofline gives the same row.
    Deployment onH100 = LLAMA_CPP.onGpu(H100);
    SpeedEstimate e = llama8b.estimate(BF16, 1024, Workload.of(1, 1), onH100);
    assertThat(e.gpu()).isEqualTo("h100-sxm-80gb");
    assertThat(e.contextTokens()).isEqualTo(1);
    assertThat(e.decode()).hasSize(1);
    assertThat(e.decode().get(0).stepSeconds()).isCloseTo(6.589105e-3, within(0.000001e-3));
    assertThat(e).isEqualTo(estimate(llama8b, BF16, 1024, 1, new long[] {1}, LLAMA_CPP, H100));
    SpeedEstimate four = llama8b.estimate(BF16, 1024, Workload.of(1, 4), onH100);
    assertThat(four.decode()).extracting(DecodeRate::batch).containsExactly(4L);
  }

  @Test
  void aBatchSweepDecodesAtPowersOfTwoUpToTheWorkloadsSequences() {
    assertThat(SpeedModel.batchSweep(5)).containsExactly(1, 2, 4, 5);
    assertThat(SpeedModel.batchSweep(1)).containsExactly(1);
    assertThat(SpeedModel.batchSweep(8)).containsExactly(1, 2, 4, 8);
    Deployment onH100 = Deployment.singleGpu().onGpu(H100);
    SpeedEstimate sweep =
        llama8b.estimateBatchSweep(
            BF16, 512, Workload.of(4096, 6), onH100, Interconnect.defaultFor(H100));
    assertThat(sweep.decode()).extracting(DecodeRate::batch).containsExactly(1L, 2L, 4L, 6L);
    assertThat(sweep)
        .isEqualTo(
            estimate(
                llama8b, BF16, 512, 4096, new long[] {1, 2, 4, 6}, Deployment.singleGpu(), H100));
  }

  @Test
  void theWorkloadApiNeedsAGpuWithBandwidth() {
    Workload w = Workload.of(1024, 1);
    assertThatThrownBy(() -> llama8b.estimate(BF16, 1, w, Deployment.singleGpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no GPU")
        .hasMessageContaining("onGpu");
    Deployment noBandwidth = Deployment.singleGpu().onGpu(NO_BANDWIDTH);
    assertThatThrownBy(() -> llama8b.estimate(BF16, 1, w, noBandwidth))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bandwidth");
  }

  @Test
  void aDecodeStepReadsAndWritesTheStateThePlannerAllocates() {
    // Mamba-2 2.7B (state-spaces/mamba2-2.7b: d_model 2560, 64 layers, d_state 128, headdim 64, 80
    // heads, 1 group, d_conv 4), bf16: per layer 80 · 64 · 128 = 655,360 SSM elements plus (5120 +
    // 2 · 128) · 3 = 16,128 conv elements, 1,342,976 bytes; 85,950,464 bytes per sequence. A second
    // sequence adds its read and write, 171,900,928 bytes, to a memory-bound step: at 2.278e12 B/s,
    // 7.54613e-5 s.
    Mamba2 mixer = new Mamba2(5120, 128, 4, 1, 80, 64, true, false);
    ModelSpec spec =
        new ModelSpec(
            "mamba2-2.7b",
            50_288,
            2560,
            true,
            NormKind.RMS_NORM,
            java.util.Collections.nCopies(64, new LayerSpec(mixer, NoMlp.INSTANCE, 1)),
            java.util.OptionalLong.empty(),
            BF16);
    Planner planner = Planner.of(spec);
    assertThat(planner.plan(BF16, Workload.of(1, 1), Deployment.singleGpu()).total().stateBytes())
        .isEqualTo(85_950_464L);
    List<DecodeRate> rows =
        estimate(
                SpeedModel.of(planner).withUtilization(0.68, 0.80),
                BF16,
                1,
                1,
                new long[] {1, 2},
                LLAMA_CPP,
                H100)
            .decode();
    assertThat(rows.get(1).bound()).isEqualTo(SpeedBound.MEMORY);
    assertThat(rows.get(1).stepSeconds() - rows.get(0).stepSeconds())
        .isCloseTo(7.54613e-5, within(0.00001e-5));
  }

  @Test
  void causalPairsRespectWindows() {
    assertThat(SpeedModel.causalPairs(4, java.util.OptionalLong.empty())).isEqualTo(10.0);
    // window 2 over 4 tokens: 1 + 2 + 2 + 2
    assertThat(SpeedModel.causalPairs(4, java.util.OptionalLong.of(2))).isEqualTo(7.0);
  }

  @Test
  void appleAndAmdGpusWork() {
    for (String id : new String[] {"apple-m2-ultra-192gb", "mi300x", "apple-m4-max-128gb"}) {
      SpeedEstimate e =
          estimate(
              llama8b,
              BF16,
              512,
              0,
              new long[] {1},
              Deployment.singleGpu(),
              GpuCatalog.builtIn().get(id));
      assertThat(e.decode().get(0).tokensPerSecond()).isPositive();
    }
    // M2 Ultra publishes no throughput: no prefill estimate.
    assertThat(
            estimate(
                    llama8b,
                    BF16,
                    512,
                    0,
                    new long[] {1},
                    Deployment.singleGpu(),
                    GpuCatalog.builtIn().get("apple-m2-ultra-192gb"))
                .prefillSeconds())
        .isEmpty();
  }

  @Test
  void rejectsBadArguments() {
    Deployment d = Deployment.singleGpu();
    assertThatThrownBy(() -> estimate(llama8b, BF16, 0, 0, new long[] {1}, d, H100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("promptTokens");
    assertThatThrownBy(() -> estimate(llama8b, BF16, 1, -1, new long[] {1}, d, H100))
        .hasMessageContaining("contextTokens");
    assertThatThrownBy(() -> estimate(llama8b, BF16, 1, 0, new long[] {}, d, H100))
        .hasMessageContaining("batches");
    assertThatThrownBy(() -> estimate(llama8b, BF16, 1, 0, new long[] {0}, d, H100))
        .hasMessageContaining("batch size");
    assertThatThrownBy(() -> estimate(llama8b, BF16, 1, 0, new long[] {1}, d, NO_BANDWIDTH))
        .hasMessageContaining("bandwidth");
    assertThatThrownBy(() -> llama8b.withUtilization(0, 0.5)).hasMessageContaining("memory");
    assertThatThrownBy(
            () -> estimate(llama8b, BF16, 1, 0, new long[] {1}, d.withPipelineParallel(33), H100))
        .hasMessageContaining("layers");
  }

  private static double step(SpeedModel model, int tp, int pp) {
    Deployment d = Deployment.singleGpu().withTensorParallel(tp).withPipelineParallel(pp);
    return estimate(model, BF16, 1, 1024, new long[] {1}, d, H100).decode().get(0).stepSeconds();
  }

  /** The roofline on loose numbers over the GPU's default link, as these hand calculations need. */
  private static SpeedEstimate estimate(
      SpeedModel model,
      Precision precision,
      long promptTokens,
      long contextTokens,
      long[] batches,
      Deployment deployment,
      GpuSpec gpu) {
    return model.estimate(
        precision,
        promptTokens,
        contextTokens,
        batches,
        deployment,
        gpu,
        Interconnect.defaultFor(gpu));
  }
}
