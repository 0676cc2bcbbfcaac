package io.hwledger.ledger.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.ledger.Projections;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.testsupport.Verifies;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Replays a hand-written ledger, payloads spelled out as a writer would have stored them. */
@Verifies("FR-LEDGER-008")
class FleetInventoryTest {

  private static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");

  private static RecordedEvent at(long seq, String type, int version, String payload) {
    byte[] hash = new byte[32];
    hash[31] = (byte) seq;
    return new RecordedEvent(
        seq,
        T0.plusSeconds(seq * 10),
        type,
        version,
        payload.getBytes(StandardCharsets.UTF_8),
        hash);
  }

  private static final List<RecordedEvent> LEDGER =
      List.of(
          at(
              0,
              "device.registered",
              1,
              "{\"backend\":\"nvidia\",\"deviceId\":\"GPU-a\",\"host\":\"node-1\","
                  + "\"memoryTotalBytes\":85899345920,\"name\":\"NVIDIA H100 80GB HBM3\"}"),
          at(
              1,
              "device.registered",
              1,
              "{\"backend\":\"rocm\",\"deviceId\":\"GPU-b\",\"host\":\"node-2\","
                  + "\"memoryTotalBytes\":206158430208,\"name\":\"AMD Instinct MI300X\"}"),
          at(
              2,
              "telemetry.sampled",
              1,
              "{\"deviceId\":\"GPU-a\",\"memoryTotalBytes\":85899345920,"
                  + "\"memoryUsedBytes\":1073741824,\"utilizationPercent\":3}"),
          // a type from a newer build
          at(3, "gpu.firmware.updated", 1, "{\"deviceId\":\"GPU-a\",\"version\":\"550.54.15\"}"),
          // a schema version from a newer build, with members this build has never heard of
          at(
              4,
              "device.registered",
              99,
              "{\"device\":{\"id\":\"GPU-c\",\"slots\":[1,2]},\"labels\":{\"rack\":\"r7\"}}"),
          at(
              5,
              "job.dispatched",
              1,
              "{\"deviceIds\":[\"GPU-a\",\"GPU-b\"],\"jobId\":\"job-1\","
                  + "\"model\":\"llama-3.1-70b\"}"),
          at(
              6,
              "job.dispatched",
              1,
              "{\"deviceIds\":[\"GPU-b\"],\"jobId\":\"job-2\",\"model\":\"qwen2.5-7b\"}"),
          at(
              7,
              "telemetry.sampled",
              1,
              "{\"deviceId\":\"GPU-a\",\"memoryTotalBytes\":85899345920,"
                  + "\"memoryUsedBytes\":79456894976,\"powerWatts\":612.5,\"temperatureC\":71,"
                  + "\"utilizationPercent\":98.25}"),
          at(
              8,
              "job.finished",
              1,
              "{\"durationMillis\":95000,\"jobId\":\"job-1\",\"outcome\":\"success\"}"),
          // a known type and version whose payload is wrong: skipped and counted as invalid
          at(
              9,
              "device.registered",
              1,
              "{\"backend\":\"nvidia\",\"deviceId\":\"GPU-d\",\"host\":\"node-3\","
                  + "\"memoryTotalBytes\":-1,\"name\":\"broken\"}"),
          // plan events pass through
          at(
              10,
              "plan.reconciled",
              1,
              "{\"deviceId\":\"GPU-a\",\"measuredBytes\":2,\"planSeq\":0,\"predictedBytes\":1}"));

  @Test
  void replaysTheFleet() {
    FleetInventory inventory = Projections.replay(LEDGER, FleetInventory.projection());

    assertThat(inventory.devices()).containsOnlyKeys("GPU-a", "GPU-b");
    assertThat(inventory.skippedEvents()).isEqualTo(2); // seq 3 and 4
    assertThat(inventory.invalidEvents()).isEqualTo(1); // seq 9
    assertThat(inventory.appliedEvents()).isEqualTo(7); // seq 0, 1, 2, 5, 6, 7, 8
    assertThat(inventory.lastSeq()).isEqualTo(OptionalLong.of(10));

    FleetInventory.Device a = inventory.device("GPU-a").orElseThrow();
    assertThat(a.registration())
        .contains(
            new DeviceRegistered(
                "GPU-a", "nvidia", "NVIDIA H100 80GB HBM3", 85_899_345_920L, "node-1"));
    assertThat(a.telemetry())
        .contains(
            new FleetInventory.Telemetry(
                7,
                Instant.parse("2025-03-01T12:01:10Z"),
                new TelemetrySampled(
                    "GPU-a",
                    79_456_894_976L,
                    85_899_345_920L,
                    OptionalDouble.of(98.25),
                    OptionalDouble.of(71),
                    OptionalDouble.of(612.5))));
    assertThat(a.runningJobIds()).isEmpty();

    FleetInventory.Device b = inventory.device("GPU-b").orElseThrow();
    assertThat(b.registration().map(DeviceRegistered::name)).contains("AMD Instinct MI300X");
    assertThat(b.telemetry()).isEmpty();
    assertThat(b.runningJobIds()).containsExactly("job-2");

    assertThat(inventory.runningJobs()).containsOnlyKeys("job-2");
    assertThat(inventory.device("GPU-c")).isEmpty();
    assertThat(inventory.device("GPU-d")).isEmpty();
  }

  @Test
  void aPrefixGivesTheStateAtThatPoint() {
    FleetInventory afterSix = FleetInventory.replay(LEDGER.subList(0, 7));
    assertThat(afterSix.device("GPU-a").orElseThrow().runningJobIds()).containsExactly("job-1");
    assertThat(afterSix.device("GPU-b").orElseThrow().runningJobIds())
        .containsExactly("job-1", "job-2");
    assertThat(afterSix.device("GPU-a").orElseThrow().telemetry().map(t -> t.seq())).contains(2L);
    assertThat(afterSix.runningJobs().keySet()).containsExactly("job-1", "job-2");
    assertThat(afterSix.lastSeq()).isEqualTo(OptionalLong.of(6));

    // Continuing from the snapshot ends where a full replay does.
    assertThat(
            Projections.replay(
                LEDGER.subList(7, LEDGER.size()), FleetInventory.projection(), afterSix))
        .isEqualTo(FleetInventory.replay(LEDGER));
  }

  @Test
  void snapshotsAreImmutable() {
    FleetInventory before = FleetInventory.replay(LEDGER.subList(0, 2));
    FleetInventory after = FleetInventory.replay(LEDGER);
    assertThat(before.device("GPU-a").orElseThrow().telemetry()).isEmpty();
    assertThat(before.runningJobs()).isEmpty();
    assertThat(after).isNotEqualTo(before);
    assertThatThrownBy(() -> after.devices().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void unregisteredDevicesAppearWithoutRegistration() {
    FleetInventory inventory =
        FleetInventory.replay(
            List.of(
                at(
                    0,
                    "telemetry.sampled",
                    1,
                    "{\"deviceId\":\"0000:3b:00.0\",\"memoryTotalBytes\":100,"
                        + "\"memoryUsedBytes\":5}"),
                at(
                    1,
                    "job.dispatched",
                    1,
                    "{\"deviceIds\":[\"GPU-z\"],\"jobId\":\"j\",\"model\":\"m\"}"),
                at(
                    2,
                    "job.finished",
                    1,
                    "{\"durationMillis\":0,\"jobId\":\"other\",\"outcome\":\"failed\"}")));
    assertThat(inventory.devices()).containsOnlyKeys("0000:3b:00.0", "GPU-z");
    assertThat(inventory.device("0000:3b:00.0").orElseThrow().registration()).isEmpty();
    assertThat(inventory.device("GPU-z").orElseThrow().runningJobIds()).containsExactly("j");
    assertThat(inventory.appliedEvents()).isEqualTo(3);
  }

  @Test
  void emptyLedger() {
    FleetInventory inventory = FleetInventory.replay(List.of());
    assertThat(inventory).isSameAs(FleetInventory.empty());
    assertThat(inventory.devices()).isEmpty();
    assertThat(inventory.lastSeq()).isEmpty();
    assertThat(inventory.skippedEvents()).isZero();
  }

  @Test
  void reRegistrationKeepsTelemetryAndJobs() {
    FleetInventory inventory =
        FleetInventory.replay(
            List.of(
                LEDGER.get(0),
                LEDGER.get(2),
                LEDGER.get(5),
                at(
                    11,
                    "device.registered",
                    1,
                    "{\"backend\":\"nvidia\",\"deviceId\":\"GPU-a\",\"host\":\"node-9\","
                        + "\"memoryTotalBytes\":85899345920,\"name\":\"NVIDIA H100 80GB HBM3\"}")));
    FleetInventory.Device a = inventory.device("GPU-a").orElseThrow();
    assertThat(a.registration().map(DeviceRegistered::host)).isEqualTo(Optional.of("node-9"));
    assertThat(a.telemetry().map(FleetInventory.Telemetry::seq)).contains(2L);
    assertThat(a.runningJobIds()).containsExactly("job-1");
  }
}
