package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.api.DType;
import io.hwledger.api.Deployment;
import io.hwledger.api.Precision;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Fits {@link SpeedModel}'s utilisation factors on the calibration rows of {@code
 * speed/measurements.json} and measures its error on the held-out rows.
 *
 * <p>Method: for each calibration row, the ratio of the measured speed to the speed predicted at
 * utilisation 1 (decode rows give MBU, prefill rows MFU); the fitted factor is the median ratio.
 * The constants in {@link SpeedModel} must equal the fit rounded to two decimals.
 */
class SpeedCalibrationTest {

  /** A measurement and what the speed model predicts for it. */
  private record Row(String id, String set, String kind, double measured, double predicted) {
    double error() {
      return (predicted - measured) / measured;
    }
  }

  @Test
  void constantsAreTheMedianFitOfTheCalibrationSubset() throws IOException {
    List<Double> mbu = new ArrayList<>();
    List<Double> mfu = new ArrayList<>();
    for (Row r : rows(1.0, 1.0)) {
      if (r.set().equals("calibration")) {
        (r.kind().equals("decode") ? mbu : mfu).add(r.measured() / r.predicted());
      }
    }
    double fittedMbu = median(mbu);
    double fittedMfu = median(mfu);
    System.out.printf(
        Locale.ROOT,
        "fitted MBU %.4f from %d rows, MFU %.4f from %d rows%n",
        fittedMbu,
        mbu.size(),
        fittedMfu,
        mfu.size());
    assertThat(SpeedModel.MEMORY_BANDWIDTH_UTILIZATION).isCloseTo(fittedMbu, within(0.005));
    assertThat(SpeedModel.MODEL_FLOPS_UTILIZATION).isCloseTo(fittedMfu, within(0.005));
  }

  @Test
  void heldOutErrorStaysUnderTheStatedBounds() throws IOException {
    List<Row> rows =
        rows(SpeedModel.MEMORY_BANDWIDTH_UTILIZATION, SpeedModel.MODEL_FLOPS_UTILIZATION);
    double decode = 0;
    int decodeCount = 0;
    double calibration = 0;
    int calibrationCount = 0;
    for (Row r : rows) {
      System.out.printf(
          Locale.ROOT,
          "%-12s %-8s %-26s measured %9.2f predicted %9.2f error %+7.1f%%%n",
          r.set(),
          r.kind(),
          r.id(),
          r.measured(),
          r.predicted(),
          100 * r.error());
      if (r.kind().equals("decode") && r.set().equals("heldout")) {
        decode += Math.abs(r.error());
        decodeCount++;
      } else if (r.kind().equals("decode")) {
        calibration += Math.abs(r.error());
        calibrationCount++;
      }
    }
    double heldOutMape = decode / decodeCount;
    System.out.printf(
        Locale.ROOT,
        "decode MAPE: calibration %.1f%% (%d), held out %.1f%% (%d)%n",
        100 * calibration / calibrationCount,
        calibrationCount,
        100 * heldOutMape,
        decodeCount);
    // Bound stated in docs/adr/0009-speed-model.md.
    assertThat(heldOutMape).isLessThan(0.35);
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }

  private static List<Row> rows(double mbu, double mfu) throws IOException {
    String text;
    try (InputStream in =
        SpeedCalibrationTest.class.getResourceAsStream("speed/measurements.json")) {
      text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    JsonNode root = Json.parseObject(text, "measurements.json");
    List<Row> out = new ArrayList<>();
    for (JsonNode m : root.get("measurements")) {
      SpeedModel model =
          SpeedModel.of(ModelCatalog.builtIn().spec(m.get("model").asText()))
              .withUtilization(mbu, mfu);
      Precision precision =
          Precision.of(
              DType.parse(m.get("weights").asText()), DType.parse(m.get("kvCache").asText()));
      Deployment deployment =
          Deployment.singleGpu()
              .withTensorParallel(m.get("tensorParallel").asInt())
              .withPipelineParallel(m.get("pipelineParallel").asInt());
      long prompt = m.get("promptTokens").isNull() ? 1 : m.get("promptTokens").asLong();
      SpeedEstimate e =
          model.estimate(
              precision,
              prompt,
              m.get("contextTokens").asLong(),
              new long[] {m.get("batch").asLong()},
              deployment,
              GpuCatalog.builtIn().get(m.get("gpu").asText()),
              Interconnect.PCIE);
      String kind = m.get("kind").asText();
      double predicted =
          kind.equals("decode")
              ? e.decode().get(0).tokensPerSecond()
              : prompt / e.prefillSeconds().getAsDouble();
      out.add(
          new Row(
              m.get("id").asText(),
              m.get("set").asText(),
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
