package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.api.DType;
import io.hwledger.api.Deployment;
import io.hwledger.api.GpuSpec;
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
import java.util.function.Predicate;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Fits {@link Utilization}'s published pairs on the calibration rows of {@code
 * speed/measurements.json}, one pair per engine group, and measures the error on the held-out rows.
 *
 * <p>Groups: {@code llama.cpp} (rows of engine {@code llama.cpp} and {@code mlx}, which shares its
 * pair) and {@code serving} (rows of {@code trtllm}, {@code vllm}, {@code sglang} and {@code nim},
 * NVIDIA's TensorRT-LLM-based service). Method: for each calibration row, the ratio of the measured
 * speed to the speed predicted at utilisation 1 (decode rows give MBU, prefill rows MFU); the
 * fitted factor is the median ratio. The published constants must equal the fit to two decimals.
 */
@Verifies("FR-SPEED-002")
class SpeedCalibrationTest {

  private static final String LLAMA_CPP = "llama.cpp";
  private static final String SERVING = "serving";

  /** A measurement and what the speed model predicts for it. */
  private record Row(
      String id, String set, String group, String kind, double measured, double predicted) {
    double error() {
      return (predicted - measured) / measured;
    }

    boolean calibration() {
      return set.equals("calibration");
    }

    boolean decode() {
      return kind.equals("decode");
    }
  }

  @Test
  void publishedPairsAreTheMedianFitOfEachGroupsCalibrationRows() throws IOException {
    for (String group : List.of(LLAMA_CPP, SERVING)) {
      List<Double> mbu = new ArrayList<>();
      List<Double> mfu = new ArrayList<>();
      for (Row r : rows(g -> new Utilization(1, 1))) {
        if (r.group().equals(group) && r.calibration()) {
          (r.decode() ? mbu : mfu).add(r.measured() / r.predicted());
        }
      }
      double fittedMbu = median(mbu);
      double fittedMfu = median(mfu);
      CalibrationLog.printf(
          SpeedCalibrationTest.class,
          "%-9s fitted MBU %.4f from %d rows, MFU %.4f from %d rows%n",
          group,
          fittedMbu,
          mbu.size(),
          fittedMfu,
          mfu.size());
      Utilization published = published(group);
      assertThat(published.memoryBandwidth()).isCloseTo(fittedMbu, Offset.offset(0.005));
      assertThat(published.modelFlops()).isCloseTo(fittedMfu, Offset.offset(0.005));
    }
  }

  @Test
  void heldOutErrorStaysUnderTheStatedBounds() throws IOException {
    List<Row> rows = rows(SpeedCalibrationTest::published);
    // Before: every row priced with the single llama.cpp pair the model had.
    List<Row> before = rows(g -> Utilization.LLAMA_CPP);
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      CalibrationLog.printf(
          SpeedCalibrationTest.class,
          "%-9s %-11s %-7s %-40s measured %9.2f predicted %9.2f error %+7.1f%% (llama.cpp pair"
              + " %+7.1f%%)%n",
          r.group(),
          r.set(),
          r.kind(),
          r.id(),
          r.measured(),
          r.predicted(),
          100 * r.error(),
          100 * before.get(i).error());
    }
    for (String group : List.of(LLAMA_CPP, SERVING)) {
      for (String kind : List.of("decode", "prefill")) {
        Predicate<Row> heldOut =
            r -> r.group().equals(group) && r.kind().equals(kind) && !r.calibration();
        Predicate<Row> calibration =
            r -> r.group().equals(group) && r.kind().equals(kind) && r.calibration();
        CalibrationLog.printf(
            SpeedCalibrationTest.class,
            "%-9s %-7s MAPE: calibration %s, held out %s (with the llama.cpp pair: %s)%n",
            group,
            kind,
            describe(rows, calibration),
            describe(rows, heldOut),
            describe(before, heldOut));
      }
    }
    // Bounds stated in docs/adr/0009-speed-model.md.
    assertThat(mape(rows, r -> r.group().equals(LLAMA_CPP) && r.decode() && !r.calibration()))
        .isLessThan(0.35);
    assertThat(mape(rows, r -> r.group().equals(SERVING) && r.decode() && !r.calibration()))
        .isLessThan(0.70);
    assertThat(mape(rows, r -> r.group().equals(SERVING) && !r.decode() && !r.calibration()))
        .isLessThan(0.55);
  }

  /** The published pair of {@code group}, read through the engine models. */
  private static Utilization published(String group) {
    return EngineModels.defaults()
        .get(group.equals(LLAMA_CPP) ? "llamacpp" : "trtllm")
        .utilization();
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
        ? "-"
        : String.format(Locale.ROOT, "%.1f%% (%d rows)", 100 * mape(rows, which), n);
  }

  private static double mape(List<Row> rows, Predicate<Row> which) {
    return rows.stream()
        .filter(which)
        .mapToDouble(r -> Math.abs(r.error()))
        .average()
        .orElseThrow();
  }

  private static List<Row> rows(java.util.function.Function<String, Utilization> pair)
      throws IOException {
    String text;
    try (InputStream in =
        SpeedCalibrationTest.class.getResourceAsStream("speed/measurements.json")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    JsonNode root = StrictJson.parseObject(text, "measurements.json", "");
    List<Row> out = new ArrayList<>();
    for (JsonNode m : root.get("measurements")) {
      String group = group(m.get("engine").asText());
      Utilization u = pair.apply(group);
      SpeedModel model =
          SpeedModel.of(ModelCatalog.builtIn().spec(m.get("model").asText()))
              .withUtilization(u.memoryBandwidth(), u.modelFlops());
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
      GpuSpec gpu = GpuCatalog.builtIn().get(m.get("gpu").asText());
      SpeedEstimate e =
          model.estimate(
              precision,
              prompt,
              m.get("contextTokens").asLong(),
              new long[] {m.get("batch").asLong()},
              deployment,
              gpu,
              Interconnect.defaultFor(gpu));
      double predicted =
          kind.equals("decode")
              ? e.decode().get(0).tokensPerSecond()
              : prompt / e.prefillSeconds().getAsDouble();
      out.add(
          new Row(
              m.get("id").asText(),
              m.get("set").asText(),
              group,
              kind,
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
