package io.hwledger.ledger.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.testsupport.Verifies;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

@Verifies("FR-CLOUD-012")
class PriceObservedTest {
  private static RecordedEvent recorded(LedgerEvent event) {
    return new RecordedEvent(
        0,
        Instant.parse("2026-12-06T00:00:00Z"),
        event.type(),
        event.schemaVersion(),
        event.payloadJson().getBytes(StandardCharsets.UTF_8),
        new byte[32]);
  }

  @Test
  void anObservedPriceIsStoredCanonicallyAndReadBack() {
    var event =
        new PriceObserved(
            "runpod",
            "NVIDIA H100 80GB HBM3",
            "H100 SXM",
            8,
            80L << 30,
            21.52,
            "SPOT/SECURE",
            "2026-12-06T00:00:00Z",
            "https://api.runpod.io/graphql",
            "LIVE");
    LedgerEvent le = event.toEvent();
    assertThat(le.type()).isEqualTo("price.observed");
    assertThat(le.payloadJson())
        .isEqualTo(
            "{\"fetchedAt\":\"2026-12-06T00:00:00Z\",\"gpuCount\":8,\"gpuName\":\"H100 SXM\","
                + "\"market\":\"SPOT/SECURE\",\"memoryPerGpuBytes\":85899345920,"
                + "\"origin\":\"LIVE\",\"provider\":\"runpod\",\"sku\":\"NVIDIA H100 80GB HBM3\","
                + "\"source\":\"https://api.runpod.io/graphql\",\"usdPerInstanceHour\":21.52}");
    assertThat(PriceObserved.from(recorded(le))).isEqualTo(event);
  }

  @Test
  void badValuesAreRefusedNamingTheField() {
    assertThatThrownBy(
            () ->
                new PriceObserved(
                    "v", "1", "g", 0, 1, 1.0, "ON_DEMAND", "2026-12-06T00:00:00Z", "s", "LIVE"))
        .hasMessageContaining("gpuCount");
    assertThatThrownBy(
            () ->
                new PriceObserved(
                    "v", "1", "g", 1, 1, -1.0, "ON_DEMAND", "2026-12-06T00:00:00Z", "s", "LIVE"))
        .hasMessageContaining("usdPerInstanceHour");
    assertThatThrownBy(
            () ->
                new PriceObserved("v", "1", "g", 1, 1, 1.0, "ON_DEMAND", "yesterday", "s", "LIVE"))
        .hasMessage("fetchedAt is not an ISO-8601 instant: yesterday");
  }
}
