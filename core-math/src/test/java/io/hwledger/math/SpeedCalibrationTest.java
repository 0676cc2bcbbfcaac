package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.api.DType;
import io.hwledger.api.Deployment;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Precision;
import io.hwledger.math.engine.EngineModels;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Fits {@link Utilization}'s published sets on the calibration rows of {@code
 * speed/measurements.json}, one set per engine group, and measures the error on the held-out rows,
 * per engine and phase.
 *
 * <p>Groups: {@code llama.cpp} (rows of engine {@code llama.cpp} and {@code mlx}, which shares its
 * set) and {@code serving} (rows of {@code trtllm}, {@code vllm}, {@code sglang} and {@code nim},
 * NVIDIA's TensorRT-LLM-based service).
 *
 * <p>Method, llama.cpp: a batch-1 pass takes {@code t = ideal / U + layers · c}, where {@code
 * ideal} is the roofline time at utilisation 1, {@code U} the MBU (decode) or MFU (prefill) of the
 * row's weight class (16-bit or compressed) and {@code c} the backend's time per layer (Metal on
 * Apple GPUs, CUDA elsewhere). For every {@code (c_Metal, c_CUDA)} on a 5 µs grid (0–400 µs, 0–200
 * µs), each class's MBU is the median of {@code ideal / (t − layers · c)} over its calibration
 * decode rows; the pair with the smallest calibration decode MAPE wins (the first on ties). The
 * MFUs are then the medians over the calibration prefill rows with that CUDA {@code c}. Serving:
 * one MBU and one MFU, the medians of {@code ideal / t}, and no per-layer time. The published
 * constants must equal the fit (fractions to 0.005, times to 1 µs).
 */
@Verifies({"FR-SPEED-002", "FR-PLAN-030"})
class SpeedCalibrationTest {

  private static final String LLAMA_CPP = "llama.cpp";
  private static final String SERVING = "serving";

  /** Every engine a row may name, in report order. */
  private static final List<String> ENGINES =
      List.of("llama.cpp", "mlx", "vllm", "sglang", "trtllm", "nim");

  /** Grid of per-layer times searched, microseconds: step, Metal maximum, CUDA maximum. */
  private static final int STEP_US = 5;

  private static final int METAL_MAX_US = 400;
  private static final int CUDA_MAX_US = 200;

  /** A measurement and what the speed model predicts for it. */
  private record Row(
      String id,
      String set,
      String engine,
      String group,
      String gpu,
      String kind,
      boolean metal,
      boolean quantized,
      int layers,
      double passTokens,
      double measured,
      double predicted) {
    double error() {
      return (predicted - measured) / measured;
    }

    boolean calibration() {
      return set.equals("calibration");
    }

    boolean decode() {
      return kind.equals("decode");
    }

    /** Seconds of the measured pass (one decode step at batch 1, or one prompt). */
    double measuredPass() {
      return passTokens / measured;
    }

    /** Seconds of the predicted pass. */
    double predictedPass() {
      return passTokens / predicted;
    }
  }

  /** A fitted set for the llama.cpp group. */
  private record Fit(
      double mbu, double mbuQuantized, double metalSeconds, double cudaSeconds, double mape) {}

  @Test
  void publishedSetsAreTheFitOfEachGroupsCalibrationRows() throws IOException {
    // Utilisation 1 on the peak each group's kernels run at (llama.cpp: fp16 accumulate).
    List<Row> ideal = rows((group, gpu) -> new Utilization(1, 1, 1, 1, 0, group.equals(LLAMA_CPP)));
    List<Row> llama = ideal.stream().filter(r -> r.group().equals(LLAMA_CPP)).toList();
    for (Row r : llama) {
      if (!r.decode()) {
        CalibrationLog.printf(
            SpeedCalibrationTest.class,
            "llama.cpp prefill %-11s %-46s reaches %.2f of its peak (before the per-layer time)%n",
            r.set(),
            r.id(),
            r.predictedPass() / r.measuredPass());
      }
    }
    Fit fit = fitLlamaCpp(llama);
    double mfu =
        median(
            prefillRatios(llama.stream().filter(r -> !r.quantized()).toList(), fit.cudaSeconds()));
    double mfuQuantized =
        median(prefillRatios(llama.stream().filter(Row::quantized).toList(), fit.cudaSeconds()));
    CalibrationLog.printf(
        SpeedCalibrationTest.class,
        "llama.cpp fitted MBU %.4f (16-bit) %.4f (quantised), MFU %.4f %.4f, per layer %.0f µs"
            + " (Metal) %.0f µs (CUDA); calibration decode MAPE %.1f%%%n",
        fit.mbu(),
        fit.mbuQuantized(),
        mfu,
        mfuQuantized,
        fit.metalSeconds() * 1e6,
        fit.cudaSeconds() * 1e6,
        100 * fit.mape());
    Offset<Double> fraction = Offset.offset(0.005);
    Offset<Double> seconds = Offset.offset(1e-6);
    for (Utilization u : List.of(Utilization.LLAMA_CPP, Utilization.LLAMA_CPP_METAL)) {
      assertThat(u.memoryBandwidth()).isCloseTo(fit.mbu(), fraction);
      assertThat(u.quantizedMemoryBandwidth()).isCloseTo(fit.mbuQuantized(), fraction);
      assertThat(u.modelFlops()).isCloseTo(mfu, fraction);
      assertThat(u.quantizedModelFlops()).isCloseTo(mfuQuantized, fraction);
    }
    assertThat(Utilization.LLAMA_CPP.layerSeconds()).isCloseTo(fit.cudaSeconds(), seconds);
    assertThat(Utilization.LLAMA_CPP_METAL.layerSeconds()).isCloseTo(fit.metalSeconds(), seconds);

    List<Double> mbu = new ArrayList<>();
    List<Double> mfuServing = new ArrayList<>();
    for (Row r : ideal) {
      if (r.group().equals(SERVING) && r.calibration()) {
        (r.decode() ? mbu : mfuServing).add(r.measured() / r.predicted());
      }
    }
    CalibrationLog.printf(
        SpeedCalibrationTest.class,
        "serving   fitted MBU %.4f from %d rows, MFU %.4f from %d rows%n",
        median(mbu),
        mbu.size(),
        median(mfuServing),
        mfuServing.size());
    Utilization serving = Utilization.SERVING;
    assertThat(serving.memoryBandwidth()).isCloseTo(median(mbu), fraction);
    assertThat(serving.quantizedMemoryBandwidth()).isCloseTo(median(mbu), fraction);
    assertThat(serving.modelFlops()).isCloseTo(median(mfuServing), fraction);
    assertThat(serving.quantizedModelFlops()).isCloseTo(median(mfuServing), fraction);
    assertThat(serving.layerSeconds()).isZero();
  }

  @Test
  void heldOutErrorStaysUnderTheStatedBounds() throws IOException {
    List<Row> rows = rows(SpeedCalibrationTest::published);
    // Before: every row priced with the sets the model had before this round.
    List<Row> before = rows(SpeedCalibrationTest::previous);
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      CalibrationLog.printf(
          SpeedCalibrationTest.class,
          "%-9s %-11s %-7s %-46s measured %9.2f predicted %9.2f error %+7.1f%% (before"
              + " %+7.1f%%)%n",
          r.engine(),
          r.set(),
          r.kind(),
          r.id(),
          r.measured(),
          r.predicted(),
          100 * r.error(),
          100 * before.get(i).error());
    }
    for (String engine : ENGINES) {
      for (String kind : List.of("decode", "prefill")) {
        Predicate<Row> heldOut =
            r -> r.engine().equals(engine) && r.kind().equals(kind) && !r.calibration();
        Predicate<Row> calibration =
            r -> r.engine().equals(engine) && r.kind().equals(kind) && r.calibration();
        CalibrationLog.printf(
            SpeedCalibrationTest.class,
            "%-9s %-7s MAPE: calibration %s, held out %s (before: %s)%n",
            engine,
            kind,
            describe(rows, calibration),
            describe(rows, heldOut),
            describe(before, heldOut));
      }
    }
    for (String group : List.of(LLAMA_CPP, SERVING)) {
      for (String kind : List.of("decode", "prefill")) {
        Predicate<Row> heldOut =
            r -> r.group().equals(group) && r.kind().equals(kind) && !r.calibration();
        CalibrationLog.printf(
            SpeedCalibrationTest.class,
            "group %-9s %-7s held out %s (before: %s)%n",
            group,
            kind,
            describe(rows, heldOut),
            describe(before, heldOut));
      }
    }
    // llama.cpp decode by GPU class, for the report: Apple (Metal), the data-centre A100/H100
    // parts, every other CUDA GPU.
    for (String gpuClass : List.of("apple", "a100/h100", "other cuda")) {
      Predicate<Row> heldOut =
          r ->
              r.group().equals(LLAMA_CPP)
                  && r.decode()
                  && !r.calibration()
                  && gpuClass.equals(gpuClass(r));
      CalibrationLog.printf(
          SpeedCalibrationTest.class,
          "llama.cpp decode held out on %-10s %s (before: %s)%n",
          gpuClass,
          describe(rows, heldOut),
          describe(before, heldOut));
    }
    // Bounds stated in docs/adr/0009-speed-model.md: the measured errors rounded up, not the aim.
    assertThat(mape(rows, r -> r.group().equals(LLAMA_CPP) && r.decode() && !r.calibration()))
        .isLessThan(0.23);
    assertThat(mape(rows, r -> r.group().equals(LLAMA_CPP) && !r.decode() && !r.calibration()))
        .isLessThan(0.55);
    assertThat(mape(rows, r -> r.group().equals(SERVING) && r.decode() && !r.calibration()))
        .isLessThan(0.48);
    assertThat(mape(rows, r -> r.group().equals(SERVING) && !r.decode() && !r.calibration()))
        .isLessThan(0.49);
  }

  /** The llama.cpp group's grid search over the two per-layer times. */
  private static Fit fitLlamaCpp(List<Row> llama) {
    List<Row> decode = llama.stream().filter(r -> r.calibration() && r.decode()).toList();
    Fit best = null;
    for (int metal = 0; metal <= METAL_MAX_US; metal += STEP_US) {
      for (int cuda = 0; cuda <= CUDA_MAX_US; cuda += STEP_US) {
        double cm = metal * 1e-6;
        double cc = cuda * 1e-6;
        List<Double> wide = new ArrayList<>();
        List<Double> narrow = new ArrayList<>();
        boolean possible = true;
        for (Row r : decode) {
          double rest = r.measuredPass() - r.layers() * (r.metal() ? cm : cc);
          possible &= rest > 0;
          (r.quantized() ? narrow : wide).add(r.predictedPass() / rest);
        }
        if (!possible) {
          continue;
        }
        double u = Math.min(1, median(wide));
        double q = Math.min(1, median(narrow));
        double error = 0;
        for (Row r : decode) {
          double pass =
              r.predictedPass() / (r.quantized() ? q : u) + r.layers() * (r.metal() ? cm : cc);
          error += Math.abs(r.measuredPass() / pass - 1);
        }
        double mape = error / decode.size();
        if (best == null || mape < best.mape()) {
          best = new Fit(u, q, cm, cc, mape);
        }
      }
    }
    return best;
  }

  private static List<Double> prefillRatios(List<Row> rows, double cudaSeconds) {
    List<Double> out = new ArrayList<>();
    for (Row r : rows) {
      if (r.calibration() && !r.decode() && !r.metal()) {
        out.add(r.predictedPass() / (r.measuredPass() - r.layers() * cudaSeconds));
      }
    }
    return out;
  }

  /** A report class of a row's GPU, from its catalog id. */
  private static String gpuClass(Row r) {
    if (r.metal()) {
      return "apple";
    }
    return r.gpu().startsWith("a100") || r.gpu().startsWith("h100") ? "a100/h100" : "other cuda";
  }

  /** The published set of {@code group} on {@code gpu}, read through the engine models. */
  private static Utilization published(String group, GpuSpec gpu) {
    return EngineModels.defaults()
        .get(group.equals(LLAMA_CPP) ? "llamacpp" : "trtllm")
        .utilization(gpu);
  }

  /**
   * The sets before round three (issue 15 part 9): llama.cpp (MBU 0.82 / 0.69, MFU 0.81 / 0.62 of
   * the larger 16-bit peak, 30 µs per layer on CUDA, 130 µs on Metal), serving (0.65, 0.53).
   */
  private static Utilization previous(String group, GpuSpec gpu) {
    if (!group.equals(LLAMA_CPP)) {
      return new Utilization(0.65, 0.53);
    }
    return new Utilization(0.82, 0.81, 0.69, 0.62, "Apple".equals(gpu.vendor()) ? 130e-6 : 30e-6);
  }

  private static String group(String engine) {
    switch (engine) {
      case "llama.cpp":
      case "mlx":
        return LLAMA_CPP;
      case "trtllm":
      case "vllm":
      case "sglang":
      case "nim":
        return SERVING;
      default:
        throw new IllegalArgumentException("unknown engine in measurements.json: " + engine);
    }
  }

  private static String describe(List<Row> rows, Predicate<Row> which) {
    long n = rows.stream().filter(which).count();
    return n == 0
        ? "- (no rows)"
        : String.format(Locale.ROOT, "%.1f%% (%d rows)", 100 * mape(rows, which), n);
  }

  private static double mape(List<Row> rows, Predicate<Row> which) {
    return rows.stream()
        .filter(which)
        .mapToDouble(r -> Math.abs(r.error()))
        .average()
        .orElseThrow();
  }

  private static List<Row> rows(BiFunction<String, GpuSpec, Utilization> set) throws IOException {
    String text;
    try (InputStream in =
        SpeedCalibrationTest.class.getResourceAsStream("speed/measurements.json")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    JsonNode root = StrictJson.parseObject(text, "measurements.json", "");
    List<Row> out = new ArrayList<>();
    for (JsonNode m : root.get("measurements")) {
      String engine = m.get("engine").asText();
      String group = group(engine);
      GpuSpec gpu = GpuCatalog.builtIn().get(m.get("gpu").asText());
      Utilization u = set.apply(group, gpu);
      String modelId = m.get("model").asText();
      ModelSpec spec = ModelCatalog.builtIn().spec(modelId);
      // A llama.cpp file type plans each tensor's own type (Q4_K_M keeps some in Q6_K).
      Planner planner =
          m.has("fileType")
              ? Planner.of(
                  spec,
                  LlamaCppQuantization.of(spec, ModelCatalog.builtIn().modelType(modelId))
                      .weights(LlamaCppFileType.valueOf(m.get("fileType").asText())))
              : Planner.of(spec);
      SpeedModel model = SpeedModel.of(planner).withUtilization(u);
      Precision precision =
          Precision.of(
              DType.parse(m.get("weights").asText()), DType.parse(m.get("kvCache").asText()));
      Deployment deployment =
          Deployment.singleGpu()
              .withTensorParallel(m.get("tensorParallel").asInt())
              .withPipelineParallel(m.get("pipelineParallel").asInt());
      String kind = m.get("kind").asText();
      long prompt =
          kind.equals("prefill") && !m.get("promptTokens").isNull()
              ? m.get("promptTokens").asLong()
              : 1;
      SpeedEstimate e =
          model.estimate(
              precision,
              prompt,
              m.get("contextTokens").asLong(),
              new long[] {m.get("batch").asLong()},
              deployment,
              gpu,
              Interconnect.defaultFor(gpu));
      if (!kind.equals("decode") && e.prefillSeconds().isEmpty()) {
        continue; // the catalog publishes no peak for this GPU: no prefill estimate to compare
      }
      double predicted =
          kind.equals("decode")
              ? e.decode().get(0).tokensPerSecond()
              : prompt / e.prefillSeconds().getAsDouble();
      out.add(
          new Row(
              m.get("id").asText(),
              m.get("set").asText(),
              engine,
              group,
              gpu.id(),
              kind,
              "Apple".equals(gpu.vendor()),
              precision.weights().isQuantized(),
              spec.layerCount(),
              kind.equals("decode") ? m.get("batch").asDouble() : prompt,
              m.get("tokensPerSecond").asDouble(),
              predicted));
    }
    return out;
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
