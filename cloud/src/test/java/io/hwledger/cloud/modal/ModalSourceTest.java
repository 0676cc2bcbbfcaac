package io.hwledger.cloud.modal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.cloud.Availability;
import io.hwledger.cloud.CloudPrices;
import io.hwledger.cloud.Market;
import io.hwledger.cloud.Offer;
import io.hwledger.cloud.PriceReport;
import io.hwledger.cloud.PriceSourceException;
import io.hwledger.cloud.RecordedApi;
import io.hwledger.cloud.Snapshot;
import io.hwledger.cloud.SourceOutcome;
import io.hwledger.cloud.TestContexts;
import io.hwledger.cloud.internal.GpuNames;
import io.hwledger.cloud.internal.Json;
import io.hwledger.testsupport.Verifies;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Modal: no price API, a dated and cited table of its per-second GPU prices. */
@Verifies("FR-CLOUD-009")
class ModalSourceTest {
  private static final long GIB = 1L << 30;

  private final ModalSource source = new ModalSource();

  private Offer offer(String sku) {
    return source.snapshot().offers().stream()
        .filter(o -> o.sku().equals(sku))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no offer " + sku));
  }

  @Test
  void hasNoLiveApiAndNeedsNoKey() {
    assertThat(source.id()).isEqualTo("modal");
    assertThat(source.displayName()).isEqualTo("Modal");
    assertThat(source.defaultBaseUri()).isEqualTo(URI.create("https://modal.com"));
    assertThat(source.hasLiveApi()).isFalse();
    assertThat(source.requiresApiKey()).isFalse();
    assertThat(source.apiKeyVariable()).isEmpty();
  }

  @Test
  void fetchFailsSayingThereIsNoApiAndSendsNothing() {
    List<Duration> waits = new ArrayList<>();
    try (RecordedApi api = new RecordedApi()) {
      assertThatThrownBy(() -> source.fetch(TestContexts.on(source, api, Optional.empty(), waits)))
          .isInstanceOf(PriceSourceException.class)
          .hasMessageStartingWith("Modal publishes no price API")
          .hasMessageContaining("2026-05-07");
      assertThat(api.requests()).isEmpty();
    }
  }

  @Test
  void cloudPricesUsesTheSnapshotLabelledWithItsDate() {
    PriceReport report =
        TestContexts.prices(new ArrayList<>())
            .sources(List.of(source))
            .build()
            .fetch(Set.of(), CloudPrices.Mode.NORMAL);

    assertThat(report.outcomes()).hasSize(1);
    SourceOutcome outcome = report.outcomes().get(0);
    assertThat(outcome.origin()).isEqualTo(SourceOutcome.Origin.SNAPSHOT);
    assertThat(outcome.warning()).hasValueSatisfying(w -> assertThat(w).contains("2026-05-07"));
    assertThat(report.offers()).hasSize(36);
  }

  @Test
  void pricesAreThePagesPerSecondFiguresTimes3600PerGpu() {
    // H100 $0.001097 per GPU-second: 0.001097 x 3600 = $3.9492 per GPU-hour; 8 GPUs 31.5936.
    Offer one = offer("H100");
    assertThat(one.gpuCount()).isEqualTo(1);
    assertThat(one.usdPerGpuHour()).isCloseTo(3.9492, within(1e-9));
    Offer eight = offer("H100:8");
    assertThat(eight.gpuCount()).isEqualTo(8);
    assertThat(eight.usdPerInstanceHour()).isCloseTo(31.5936, within(1e-9));
    assertThat(eight.usdPerGpuHour()).isCloseTo(3.9492, within(1e-9));
    assertThat(eight.memoryPerGpuBytes()).isEqualTo(80 * GIB);
    assertThat(eight.memoryBytes()).isEqualTo(640 * GIB);
    // B200 $0.001736/s: 6.2496 per GPU-hour, 4 GPUs 24.9984.
    assertThat(offer("B200:4").usdPerInstanceHour()).isCloseTo(24.9984, within(1e-9));
    assertThat(offer("B200:4").gpuId()).isEqualTo("b200-hgx-180gb");
    // T4 $0.000164/s: 0.5904 per GPU-hour.
    assertThat(offer("T4").usdPerGpuHour()).isCloseTo(0.5904, within(1e-9));
  }

  @Test
  void eachRowOfTheFileIsItsPerSecondPriceTimes3600() throws Exception {
    JsonNode root =
        Json.MAPPER.readTree(RecordedApi.resource("/io/hwledger/cloud/snapshots/modal.json"));

    for (JsonNode row : root.get("offers")) {
      double perSecond = row.get("usdPerGpuSecond").asDouble();
      assertThat(row.get("usdPerGpuHour").asDouble())
          .as(row.get("sku").asText())
          .isCloseTo(perSecond * 3600, within(1e-9));
      assertThat(row.has("usdPerInstanceHour")).isFalse();
    }
  }

  @Test
  void offersTheGpuCountsModalAllows() {
    Map<String, Set<Integer>> counts = new TreeMap<>();
    for (Offer o : source.snapshot().offers()) {
      counts.computeIfAbsent(o.gpuName(), k -> new TreeSet<>()).add(o.gpuCount());
    }

    // Modal's GPU guide: B200, H200, H100, A100, L4, T4 and L40S up to 8 per container, A10 up
    // to 4; it gives no multi-GPU figure for the RTX PRO 6000.
    Set<Integer> upTo8 = Set.of(1, 2, 4, 8);
    assertThat(counts)
        .containsOnlyKeys(
            "B200",
            "H200",
            "H100",
            "RTX-PRO-6000",
            "A100-80GB",
            "A100-40GB",
            "L40S",
            "A10",
            "L4",
            "T4");
    for (String gpu :
        List.of("B200", "H200", "H100", "A100-80GB", "A100-40GB", "L40S", "L4", "T4")) {
      assertThat(counts.get(gpu)).as(gpu).isEqualTo(upTo8);
    }
    assertThat(counts.get("A10")).containsExactly(1, 2, 4);
    assertThat(counts.get("RTX-PRO-6000")).containsExactly(1);
  }

  @Test
  void t4IsAnUnknownGpuAndEveryIdIsWhatTheTableMaps() {
    assertThat(offer("T4:4").gpuId()).isNull();
    GpuNames names = GpuNames.of("modal");
    Snapshot snapshot = source.snapshot();
    assertThat(snapshot.asOf()).isEqualTo(LocalDate.of(2026, 5, 7));
    assertThat(snapshot.citation()).contains("modal.com/pricing");
    for (Offer o : snapshot.offers()) {
      assertThat(o.gpuId())
          .as("gpuId of %s", o.sku())
          .isEqualTo(names.idOf(o.gpuName(), o.memoryPerGpuBytes()));
      assertThat(o.market()).isEqualTo(Market.ON_DEMAND);
      assertThat(o.bidRule()).isNull();
      assertThat(o.region()).isNull();
      assertThat(o.availability()).isEqualTo(Availability.UNKNOWN);
    }
  }

  @Test
  void isFoundByServiceLoader() {
    assertThat(CloudPrices.builder().build().sources())
        .anySatisfy(s -> assertThat(s).isInstanceOf(ModalSource.class));
  }
}
