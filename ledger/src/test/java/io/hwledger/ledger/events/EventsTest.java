package io.hwledger.ledger.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.testsupport.Verifies;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Each event's canonical payload, written out, and its decoder's checks. */
@Verifies({"FR-LEDGER-008", "FR-CLI-006"})
class EventsTest {

  private static final String GPU = "GPU-8f2c1a3e-5b6d-4e7f-9a0b-1c2d3e4f5a6b";

  private static RecordedEvent recorded(LedgerEvent event) {
    return recorded(event.type(), event.schemaVersion(), event.payloadJson());
  }

  private static RecordedEvent recorded(String type, int version, String payload) {
    return new RecordedEvent(
        0,
        Instant.parse("2025-01-02T03:04:05Z"),
        type,
        version,
        payload.getBytes(StandardCharsets.UTF_8),
        new byte[32]);
  }

  @Test
  void aDoubleJdk17WritesWithTooManyDigitsIsStoredWithItsShortestDigits() {
    // JDK 17 writes 2.82879384806159E17 as "2.82879384806159008E17" (JDK-4511638); the ledger
    // refuses that text as altered by canonicalisation, so the event must write the double's own
    // shortest digits
    var event =
        new TelemetrySampled(
            GPU,
            1,
            2,
            OptionalDouble.empty(),
            OptionalDouble.of(Double.parseDouble("2.82879384806159E17")),
            OptionalDouble.of(Double.parseDouble("2e23")));
    LedgerEvent le = event.toEvent();
    assertThat(le.payloadJson())
        .contains("\"powerWatts\":2e+23")
        .contains("\"temperatureC\":282879384806159000");
    assertThat(TelemetrySampled.from(recorded(le))).isEqualTo(event);
  }

  @Test
  void deviceRegistered() {
    var event =
        new DeviceRegistered(GPU, "nvidia", "NVIDIA H100 80GB HBM3", 85_899_345_920L, "node-07");
    LedgerEvent le = event.toEvent();
    assertThat(le.type()).isEqualTo("device.registered");
    assertThat(le.schemaVersion()).isEqualTo(1);
    assertThat(le.payloadJson())
        .isEqualTo(
            "{\"backend\":\"nvidia\",\"deviceId\":\""
                + GPU
                + "\",\"host\":\"node-07\","
                + "\"memoryTotalBytes\":85899345920,\"name\":\"NVIDIA H100 80GB HBM3\"}");
    assertThat(DeviceRegistered.from(recorded(le))).isEqualTo(event);
  }

  @Test
  void telemetrySampledLeavesUnsupportedMetricsOut() {
    var event =
        new TelemetrySampled(
            GPU,
            42_949_672_960L,
            85_899_345_920L,
            OptionalDouble.of(87.5),
            OptionalDouble.empty(),
            OptionalDouble.of(312.25));
    LedgerEvent le = event.toEvent();
    assertThat(le.type()).isEqualTo("telemetry.sampled");
    assertThat(le.payloadJson())
        .isEqualTo(
            "{\"deviceId\":\""
                + GPU
                + "\",\"memoryTotalBytes\":85899345920,"
                + "\"memoryUsedBytes\":42949672960,\"powerWatts\":312.25,"
                + "\"utilizationPercent\":87.5}");
    assertThat(TelemetrySampled.from(recorded(le))).isEqualTo(event);

    var bare =
        new TelemetrySampled(
            "0000:3b:00.0",
            0,
            1,
            OptionalDouble.empty(),
            OptionalDouble.of(61.0),
            OptionalDouble.empty());
    assertThat(bare.toEvent().payloadJson())
        .isEqualTo(
            "{\"deviceId\":\"0000:3b:00.0\",\"memoryTotalBytes\":1,\"memoryUsedBytes\":0,"
                + "\"temperatureC\":61}");
    assertThat(TelemetrySampled.from(recorded(bare.toEvent()))).isEqualTo(bare);
  }

  @Test
  void planComputed() {
    String inputs =
        """
        {
          "workload": {"sequences": 4, "contextTokens": 8192.0},
          "model": "llama-3.1-70b",
          "precision": {"weights": "bf16", "kv": "fp8"},
          "deployment": {"tensorParallel": 2, "gpus": ["H100-80GB"]}
        }
        """;
    String canonicalInputs =
        "{\"deployment\":{\"gpus\":[\"H100-80GB\"],\"tensorParallel\":2},"
            + "\"model\":\"llama-3.1-70b\",\"precision\":{\"kv\":\"fp8\",\"weights\":\"bf16\"},"
            + "\"workload\":{\"contextTokens\":8192,\"sequences\":4}}";
    // sha256sum of canonicalInputs, computed with coreutils
    String hash = "a8fd54d5805bd01130200de6d96be52c2cd5bed2f8cea7fbc64f7efc7ceb2e14";

    var event =
        PlanComputed.of(
            "llama-3.1-70b", inputs, 150_000_000_000L, 75_000_000_000L, Optional.of(true));
    assertThat(event.inputs()).isEqualTo(canonicalInputs);
    assertThat(event.inputsHash()).isEqualTo(hash);
    LedgerEvent le = event.toEvent();
    assertThat(le.type()).isEqualTo("plan.computed");
    assertThat(le.payloadJson())
        .isEqualTo(
            "{\"fits\":true,\"inputs\":"
                + canonicalInputs
                + ",\"inputsHash\":\""
                + hash
                + "\","
                + "\"model\":\"llama-3.1-70b\",\"perGpuBytes\":75000000000,"
                + "\"totalBytes\":150000000000}");
    assertThat(PlanComputed.from(recorded(le))).isEqualTo(event);

    var noBudget = PlanComputed.of("m", "{}", 10, 10, Optional.empty());
    assertThat(noBudget.toEvent().payloadJson())
        .isEqualTo(
            "{\"inputs\":{},\"inputsHash\":"
                + "\"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\","
                + "\"model\":\"m\",\"perGpuBytes\":10,\"totalBytes\":10}");
  }

  @Test
  void inputsHashCanonicalisesFirst() {
    // sha256sum of the 13 bytes {"model":"m"}
    String hash = "548f58d1c36c715b44f0863472074a97c448d5b8d18164b92adf55592b127f86";
    assertThat(PlanComputed.inputsHash("{\"model\":\"m\"}")).isEqualTo(hash);
    assertThat(PlanComputed.inputsHash("{ \"model\" :\n \"m\" }")).isEqualTo(hash);
    assertThatThrownBy(() -> PlanComputed.inputsHash("[1]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inputs: a JSON object is required at the top level, found array");
  }

  @Test
  @Verifies("FR-LEDGER-006")
  void inputsFollowThePayloadRuleANumberADoubleWouldAlterIsRefusedNotHashedRounded() {
    // 2^53 + 1 has no double: hashing the rounded 9007199254740992 would record other inputs
    assertThatThrownBy(() -> PlanComputed.inputsHash("{\"tokens\":9007199254740993}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("inputs: ")
        .hasMessageContaining("number 9007199254740993")
        .hasMessageContaining("cannot be stored exactly");
  }

  @Test
  void planComputedRejectsInputsThatDoNotMatchTheirHash() {
    String payload =
        "{\"inputs\":{\"model\":\"n\"},"
            + "\"inputsHash\":\"548f58d1c36c715b44f0863472074a97c448d5b8d18164b92adf55592b127f86\","
            + "\"model\":\"m\",\"perGpuBytes\":1,\"totalBytes\":1}";
    assertThatThrownBy(() -> PlanComputed.from(recorded("plan.computed", 1, payload)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "plan.computed at seq 0: inputsHash"
                + " 548f58d1c36c715b44f0863472074a97c448d5b8d18164b92adf55592b127f86"
                + " is not the SHA-256 of the canonical inputs");
  }

  @Test
  void planReconciled() {
    var event = new PlanReconciled(12, GPU, 75_000_000_000L, 76_543_210_000L);
    LedgerEvent le = event.toEvent();
    assertThat(le.type()).isEqualTo("plan.reconciled");
    assertThat(le.payloadJson())
        .isEqualTo(
            "{\"deviceId\":\""
                + GPU
                + "\",\"measuredBytes\":76543210000,\"planSeq\":12,"
                + "\"predictedBytes\":75000000000}");
    assertThat(PlanReconciled.from(recorded(le))).isEqualTo(event);
    assertThat(event.errorBytes()).isEqualTo(1_543_210_000L);
  }

  @Test
  void jobDispatchedKeepsDeviceOrder() {
    var event = new JobDispatched("job-1", "llama-3.1-70b", List.of("GPU-b", "GPU-a"));
    LedgerEvent le = event.toEvent();
    assertThat(le.type()).isEqualTo("job.dispatched");
    assertThat(le.payloadJson())
        .isEqualTo(
            "{\"deviceIds\":[\"GPU-b\",\"GPU-a\"],\"jobId\":\"job-1\","
                + "\"model\":\"llama-3.1-70b\"}");
    assertThat(JobDispatched.from(recorded(le))).isEqualTo(event);
  }

  @Test
  void jobFinished() {
    var event = new JobFinished("job-1", JobFinished.Outcome.CANCELLED, 3_600_000);
    LedgerEvent le = event.toEvent();
    assertThat(le.type()).isEqualTo("job.finished");
    assertThat(le.payloadJson())
        .isEqualTo("{\"durationMillis\":3600000,\"jobId\":\"job-1\",\"outcome\":\"cancelled\"}");
    assertThat(JobFinished.from(recorded(le))).isEqualTo(event);
    assertThat(JobFinished.Outcome.SUCCESS.json()).isEqualTo("success");
    assertThat(JobFinished.Outcome.fromJson("failed")).isEqualTo(JobFinished.Outcome.FAILED);
  }

  @Test
  void decoderChecksTypeAndVersion() {
    String payload = "{\"durationMillis\":1,\"jobId\":\"j\",\"outcome\":\"success\"}";
    assertThatThrownBy(() -> DeviceRegistered.from(recorded("job.finished", 1, payload)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a device.registered event, seq 0 is job.finished");
    assertThatThrownBy(() -> JobFinished.from(recorded("job.finished", 2, payload)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "job.finished schema version 2 at seq 0 is not supported; this build reads version 1");
  }

  @Test
  void decoderRejectsMissingNullExtraAndMistypedMembers() {
    assertThatThrownBy(
            () ->
                DeviceRegistered.from(
                    recorded(
                        "device.registered",
                        1,
                        "{\"backend\":\"nvidia\",\"deviceId\":\"g\",\"host\":\"h\","
                            + "\"name\":\"n\"}")))
        .hasMessage("device.registered at seq 0: memoryTotalBytes is missing");
    assertThatThrownBy(
            () ->
                TelemetrySampled.from(
                    recorded(
                        "telemetry.sampled",
                        1,
                        "{\"deviceId\":\"g\",\"memoryTotalBytes\":2,\"memoryUsedBytes\":1,"
                            + "\"temperatureC\":null}")))
        .hasMessage(
            "telemetry.sampled at seq 0: temperatureC is null; leave the member out when there is"
                + " no value");
    assertThatThrownBy(
            () ->
                TelemetrySampled.from(
                    recorded(
                        "telemetry.sampled",
                        1,
                        "{\"deviceId\":\"g\",\"fanPercent\":40,\"memoryTotalBytes\":2,"
                            + "\"memoryUsedBytes\":1}")))
        .hasMessage(
            "telemetry.sampled at seq 0: member \"fanPercent\" is not part of this schema version");
    assertThatThrownBy(
            () ->
                JobFinished.from(
                    recorded(
                        "job.finished",
                        1,
                        "{\"durationMillis\":1.5,\"jobId\":\"j\",\"outcome\":\"success\"}")))
        .hasMessage("job.finished at seq 0: durationMillis must be a whole number, was 1.5");
    assertThatThrownBy(
            () ->
                JobFinished.from(
                    recorded(
                        "job.finished",
                        1,
                        "{\"durationMillis\":-1,\"jobId\":\"j\",\"outcome\":\"success\"}")))
        .hasMessage("job.finished at seq 0: durationMillis must be in [0, 2^53 - 1], was -1");
    assertThatThrownBy(
            () ->
                JobFinished.from(
                    recorded(
                        "job.finished",
                        1,
                        "{\"durationMillis\":1,\"jobId\":\"j\",\"outcome\":\"timeout\"}")))
        .hasMessage(
            "job.finished at seq 0: outcome must be success, failed or cancelled, was"
                + " \"timeout\"");
    assertThatThrownBy(
            () ->
                JobDispatched.from(
                    recorded(
                        "job.dispatched",
                        1,
                        "{\"deviceIds\":\"GPU-a\",\"jobId\":\"j\",\"model\":\"m\"}")))
        .hasMessage("job.dispatched at seq 0: deviceIds must be an array, was \"GPU-a\"");
    assertThatThrownBy(() -> PlanReconciled.from(recorded("plan.reconciled", 1, "[]")))
        .hasMessage("plan.reconciled at seq 0: payload must be a JSON object");
  }

  @Test
  void wholeNumbersStopBelowTwoToThe53() {
    long max = 9_007_199_254_740_991L; // 2^53 - 1
    assertThat(new PlanReconciled(max, "g", max, 0).toEvent().payloadJson())
        .isEqualTo(
            "{\"deviceId\":\"g\",\"measuredBytes\":0,\"planSeq\":9007199254740991,"
                + "\"predictedBytes\":9007199254740991}");
    assertThatThrownBy(() -> new PlanReconciled(max + 1, "g", 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("planSeq must be in [0, 2^53 - 1], was 9007199254740992");
    assertThatThrownBy(() -> new DeviceRegistered("g", "nvidia", "n", 0, "h"))
        .hasMessage("memoryTotalBytes must be in [1, 2^53 - 1], was 0");
  }

  @Test
  void constructorsValidate() {
    assertThatThrownBy(
            () ->
                new TelemetrySampled(
                    "g",
                    0,
                    1,
                    OptionalDouble.of(100.5),
                    OptionalDouble.empty(),
                    OptionalDouble.empty()))
        .hasMessage("utilizationPercent must be in [0, 100], was 100.5");
    assertThatThrownBy(
            () ->
                new TelemetrySampled(
                    "g",
                    0,
                    1,
                    OptionalDouble.empty(),
                    OptionalDouble.of(Double.NaN),
                    OptionalDouble.empty()))
        .hasMessage("temperatureC must be finite, was NaN");
    assertThatThrownBy(
            () ->
                new TelemetrySampled(
                    "g",
                    0,
                    1,
                    OptionalDouble.empty(),
                    OptionalDouble.empty(),
                    OptionalDouble.of(-1)))
        .hasMessage("powerWatts must not be negative, was -1.0");
    assertThatThrownBy(() -> new JobDispatched("j", "m", List.of()))
        .hasMessage("deviceIds must name at least one device");
    assertThatThrownBy(() -> new JobDispatched("j", "m", List.of("a", "b", "a")))
        .hasMessage("deviceIds repeats a");
    assertThatThrownBy(() -> new DeviceRegistered("", "nvidia", "n", 1, "h"))
        .hasMessage("deviceId must not be empty");
  }
}
