package io.hwledger.cloud.vastai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.cloud.ApiKey;
import io.hwledger.cloud.Availability;
import io.hwledger.cloud.CloudPrices;
import io.hwledger.cloud.CloudSettings;
import io.hwledger.cloud.Market;
import io.hwledger.cloud.Offer;
import io.hwledger.cloud.PriceReport;
import io.hwledger.cloud.PriceSource;
import io.hwledger.cloud.PriceSourceException;
import io.hwledger.cloud.RecordedApi;
import io.hwledger.cloud.SourceContext;
import io.hwledger.cloud.SourceOutcome;
import io.hwledger.cloud.TestContexts;
import io.hwledger.cloud.Tier;
import io.hwledger.cloud.internal.Json;
import io.hwledger.math.GpuCatalog;
import io.hwledger.testsupport.Verifies;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Vast.ai source against recorded offer-search answers on a loopback server. */
@Verifies("FR-CLOUD-006")
class VastAiSourceTest {
  private static final String PATH = "/api/v0/bundles/";
  private static final String ONDEMAND = "/io/hwledger/cloud/vastai/ondemand.json";
  private static final String BID = "/io/hwledger/cloud/vastai/bid.json";
  private static final long MIB = 1024L * 1024;
  private static final String FAKE_KEY = "fake-vast-key-0123456789abcdef";

  private final RecordedApi api = new RecordedApi();
  private final List<Duration> waits = new ArrayList<>();
  private final VastAiSource source = new VastAiSource();

  @AfterEach
  void close() {
    api.close();
  }

  private SourceContext context(Optional<ApiKey> key) {
    return TestContexts.on(source, api, key, waits);
  }

  private List<Offer> fetchRecorded() throws PriceSourceException {
    api.answerResource("POST", PATH, ONDEMAND).answerResource("POST", PATH, BID);
    return source.fetch(context(Optional.empty()));
  }

  private static Offer find(List<Offer> offers, String sku, Market market) {
    return offers.stream()
        .filter(o -> o.sku().equals(sku) && o.market() == market)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void mapsTheRecordedOfferWithVastsUnits() throws PriceSourceException {
    List<Offer> offers = fetchRecorded();

    // 6 on-demand offers in ondemand.json, 2 bid offers in bid.json.
    assertThat(offers).hasSize(8);
    Offer rtx = find(offers, "11684738", Market.ON_DEMAND);
    assertThat(rtx.provider()).isEqualTo("vastai");
    assertThat(rtx.gpuName()).isEqualTo("RTX 4090");
    assertThat(rtx.gpuId()).isEqualTo("rtx-4090");
    assertThat(rtx.gpuCount()).isEqualTo(1);
    // gpu_ram 24564 MiB = 24564 x 1,048,576 bytes = 25,757,220,864: the catalog's RTX 4090.
    assertThat(rtx.memoryPerGpuBytes()).isEqualTo(25_757_220_864L);
    assertThat(rtx.memoryPerGpuBytes())
        .isEqualTo(GpuCatalog.builtIn().get("rtx-4090").memoryBytes());
    assertThat(rtx.usdPerInstanceHour()).isEqualTo(0.2466759259259259);
    assertThat(rtx.tier()).isEqualTo(Tier.COMMUNITY);
    assertThat(rtx.bidRule()).isNull();
    assertThat(rtx.region()).isEqualTo("Guangxi, CN");
    assertThat(rtx.availability()).isEqualTo(Availability.AVAILABLE);
    assertThat(rtx.fetchedAt()).isEqualTo(TestContexts.NOW);
    assertThat(rtx.source()).isEqualTo(api.baseUri() + PATH);
  }

  @Test
  void sendsTwoBoundedSearchesOneOnDemandOneBid() throws Exception {
    fetchRecorded();

    List<RecordedApi.Request> requests = api.requests();
    assertThat(requests).hasSize(2);
    JsonNode onDemand = Json.MAPPER.readTree(requests.get(0).body());
    JsonNode bid = Json.MAPPER.readTree(requests.get(1).body());
    assertThat(onDemand.get("type").asText()).isEqualTo("on-demand");
    assertThat(bid.get("type").asText()).isEqualTo("bid");
    for (JsonNode body : List.of(onDemand, bid)) {
      assertThat(body.at("/rentable/eq").asBoolean()).isTrue();
      assertThat(body.at("/rented/eq").asBoolean()).isFalse();
      assertThat(body.get("limit").asInt()).isEqualTo(1000);
      assertThat(body.at("/order/0/1").asText()).isEqualTo("asc");
    }
    assertThat(onDemand.at("/order/0/0").asText()).isEqualTo("dph_total");
    assertThat(bid.at("/order/0/0").asText()).isEqualTo("min_bid");
    assertThat(requests.get(0).header("Authorization")).isNull();
  }

  /** Catalog bug class: a per-instance price taken for a per-GPU one (or the reverse). */
  @Test
  void aFourGpuOffersDphTotalIsTheInstancePrice() throws PriceSourceException {
    Offer a100 = find(fetchRecorded(), "20311944", Market.ON_DEMAND);

    assertThat(a100.gpuCount()).isEqualTo(4);
    assertThat(a100.gpuId()).isEqualTo("a100-sxm-80gb");
    // dph_total 4.80037 is what the 4-GPU instance costs; one GPU is 4.80037 / 4 = 1.2000925.
    assertThat(a100.usdPerInstanceHour()).isEqualTo(4.80037);
    assertThat(a100.usdPerGpuHour()).isCloseTo(1.2000925, within(1e-12));
    // gpu_ram is per GPU: 81920 MiB each, 4 x 81920 MiB in all.
    assertThat(a100.memoryPerGpuBytes()).isEqualTo(81_920 * MIB);
    assertThat(a100.memoryBytes()).isEqualTo(4 * 81_920 * MIB);
  }

  /** Catalog bug class: MiB against MB (or GiB). */
  @Test
  void gpuRamIsMibPerGpu() throws PriceSourceException {
    Offer h100 = find(fetchRecorded(), "20455013", Market.ON_DEMAND);

    // 81559 MiB = 85,520,809,984 bytes, nvidia-smi's H100 80GB HBM3; read as MB it would be
    // 81,559,000,000, and as the 8-GPU total 8 times that.
    assertThat(h100.gpuCount()).isEqualTo(8);
    assertThat(h100.memoryPerGpuBytes()).isEqualTo(85_520_809_984L);
    assertThat(h100.gpuId()).isEqualTo("h100-sxm-80gb");
    assertThat(h100.usdPerInstanceHour()).isEqualTo(17.6004);
  }

  /** Catalog bug class (SkyPilot #4904): the bucket median quoted as the cheapest. */
  @Test
  void everyOfferKeepsItsOwnPriceSoTheCheapestIsTheMinimum() throws PriceSourceException {
    List<Offer> rtx4090 =
        fetchRecorded().stream()
            .filter(o -> "rtx-4090".equals(o.gpuId()) && o.market() == Market.ON_DEMAND)
            .sorted(Comparator.comparingDouble(Offer::usdPerInstanceHour))
            .toList();

    // The three recorded single-4090 offers, each at its own dph_total.
    assertThat(rtx4090)
        .extracting(Offer::usdPerInstanceHour)
        .containsExactly(0.2466759259259259, 0.40001, 0.90001);
    // The cheapest is the minimum, 0.2466759..., not the median 0.40001.
    assertThat(rtx4090.get(0).sku()).isEqualTo("11684738");
  }

  @Test
  void aSpotOfferIsPricedAtTheMinimumBidPerInstanceWithTheBidRule() throws PriceSourceException {
    List<Offer> offers = fetchRecorded();
    Offer rtx = find(offers, "11684738", Market.SPOT);
    Offer a100 = find(offers, "20311944", Market.SPOT);

    // min_bid 0.2 plus the storage charge dph_total - dph_base
    // = 0.2466759259259259 - 0.24666666666666665 = 0.0000092592592...
    assertThat(rtx.usdPerInstanceHour()).isCloseTo(0.2000092592592592, within(1e-12));
    assertThat(rtx.bidRule()).contains("per instance-hour").contains("0.2000").contains("outbid");
    // 4 GPUs: min_bid 3.2 for the instance (not 4 x 3.2), + 4.80037 - 4.8 storage.
    assertThat(a100.usdPerInstanceHour()).isCloseTo(3.20037, within(1e-9));
    assertThat(a100.bidRule()).contains("all 4 GPUs").contains("3.2000");
  }

  @Test
  void aDatacenterHostIsSecureAndAnyOtherCommunity() throws PriceSourceException {
    List<Offer> offers = fetchRecorded();

    // hosting_type 1 (vastai's datacenter flag) in the recorded offers 20311944, 12000417.
    assertThat(find(offers, "20311944", Market.ON_DEMAND).tier()).isEqualTo(Tier.SECURE);
    assertThat(find(offers, "12000417", Market.ON_DEMAND).tier()).isEqualTo(Tier.SECURE);
    assertThat(find(offers, "11873309", Market.ON_DEMAND).tier()).isEqualTo(Tier.COMMUNITY);
    assertThat(find(offers, "20311944", Market.SPOT).tier()).isEqualTo(Tier.SECURE);
  }

  @Test
  void anUnknownGpuNameIsReportedNotGuessed() throws PriceSourceException {
    Offer quadro = find(fetchRecorded(), "9922541", Market.ON_DEMAND);

    assertThat(quadro.gpuName()).isEqualTo("Q RTX 8000");
    assertThat(quadro.gpuId()).isNull();
    assertThat(quadro.memoryPerGpuBytes()).isEqualTo(49_152 * MIB);
  }

  @Test
  void sendsTheKeyAsBearerWhenOneIsSet() throws PriceSourceException {
    api.answerResource("POST", PATH, ONDEMAND).answerResource("POST", PATH, BID);

    source.fetch(context(Optional.of(ApiKey.of(FAKE_KEY))));

    assertThat(api.requests())
        .allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + FAKE_KEY));
  }

  @Test
  void unauthorizedWithoutAKeyNamesTheVariable() {
    api.answer("POST", PATH, 401, Map.of(), "{\"error\": \"unauthorized\"}");

    assertThatThrownBy(() -> source.fetch(context(Optional.empty())))
        .isInstanceOf(PriceSourceException.class)
        .hasMessage("Vast.ai requires an API key (HTTP 401): set VAST_API_KEY");
  }

  @Test
  void unauthorizedWithAKeyNamesTheVariableButNotTheKey() {
    api.answer("POST", PATH, 401, Map.of(), "{\"error\": \"invalid key " + FAKE_KEY + "\"}");

    assertThatThrownBy(() -> source.fetch(context(Optional.of(ApiKey.of(FAKE_KEY)))))
        .isInstanceOf(PriceSourceException.class)
        .hasMessageContaining("rejected the API key")
        .hasMessageContaining("VAST_API_KEY")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(FAKE_KEY));
  }

  @Test
  void tooManyRequestsWaitsWhatRetryAfterAsks() throws PriceSourceException {
    api.answer("POST", PATH, 429, Map.of("Retry-After", "3"), "{}")
        .answerResource("POST", PATH, ONDEMAND)
        .answerResource("POST", PATH, BID);

    List<Offer> offers = source.fetch(context(Optional.empty()));

    assertThat(offers).hasSize(8);
    assertThat(waits).containsExactly(Duration.ofSeconds(3));
    assertThat(api.requests()).hasSize(3);
  }

  @Test
  void aServerErrorIsRetriedThenSucceeds() throws PriceSourceException {
    api.answer("POST", PATH, 502, Map.of(), "bad gateway")
        .answerResource("POST", PATH, ONDEMAND)
        .answerResource("POST", PATH, BID);

    assertThat(source.fetch(context(Optional.empty()))).hasSize(8);
    assertThat(waits).hasSize(1);
    // The first back-off of TestContexts' policy: 1 s, less up to half of it.
    assertThat(waits.get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
  }

  @Test
  void aSearchThatDoesNotAnswerTimesOut() {
    api.answerSlowly("POST", PATH, 30_000);

    assertThatThrownBy(() -> source.fetch(context(Optional.empty())))
        .isInstanceOf(PriceSourceException.class)
        .hasMessage("Vast.ai: no answer within 2 s for " + api.baseUri() + PATH + " after 3 tries");
  }

  @Test
  void malformedJsonIsOneLineNamingTheSearch() {
    api.answer("POST", PATH, 200, Map.of(), "{\"offers\": [ {\"id\": 1,");

    assertThatThrownBy(() -> source.fetch(context(Optional.empty())))
        .isInstanceOf(PriceSourceException.class)
        .hasMessageStartingWith("Vast.ai sent malformed JSON for the on-demand search")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void anAnswerWithoutOffersNamesTheMissingMember() {
    api.answer("POST", PATH, 200, Map.of(), "{\"success\": true}");

    assertThatThrownBy(() -> source.fetch(context(Optional.empty())))
        .isInstanceOf(PriceSourceException.class)
        .hasMessage("Vast.ai: the on-demand search has no 'offers'");
  }

  @Test
  void anOfferWithoutItsPriceNamesTheOfferAndTheField() {
    api.answerResource("POST", PATH, "/io/hwledger/cloud/vastai/partial.json");

    assertThatThrownBy(() -> source.fetch(context(Optional.empty())))
        .isInstanceOf(PriceSourceException.class)
        .hasMessage("Vast.ai: offer 11684738 has no 'dph_total'");
  }

  @Test
  void theSnapshotIsDatedAndCited() {
    var snapshot = source.snapshot();

    assertThat(snapshot.source()).isEqualTo("vastai");
    assertThat(snapshot.asOf()).isEqualTo(LocalDate.of(2026, 6, 30));
    assertThat(snapshot.citation()).contains("usagepricing.com/blueprint/vast-ai");
    Offer rtx =
        snapshot.offers().stream()
            .filter(o -> "rtx-4090".equals(o.gpuId()))
            .findFirst()
            .orElseThrow();
    assertThat(rtx.usdPerInstanceHour()).isEqualTo(0.682);
    assertThat(rtx.memoryPerGpuBytes()).isEqualTo(24_564 * MIB);
  }

  @Test
  @Verifies("FR-CLOUD-005")
  void aFailingSearchFallsBackToTheDatedSnapshot() {
    api.answer("POST", PATH, 503, Map.of(), "unavailable");
    CloudPrices prices =
        TestContexts.prices(waits)
            .sources(List.of(source))
            .settings(CloudSettings.none().withBaseUri("vastai", api.baseUri()))
            .build();

    PriceReport report = prices.fetch(Set.of(), CloudPrices.Mode.NORMAL);

    SourceOutcome outcome = report.outcomes().get(0);
    assertThat(outcome.origin()).isEqualTo(SourceOutcome.Origin.SNAPSHOT);
    assertThat(outcome.warning().orElseThrow())
        .contains("HTTP 503")
        .contains("snapshot of 2026-06-30");
    assertThat(report.offers()).isEqualTo(source.snapshot().offers());
  }

  @Test
  @Verifies("FR-CLOUD-001")
  void serviceLoaderFindsTheSource() {
    assertThat(ServiceLoader.load(PriceSource.class).stream().map(p -> p.type().getName()))
        .contains(VastAiSource.class.getName());
    assertThat(source.id()).isEqualTo("vastai");
    assertThat(source.apiKeyVariable()).contains("VAST_API_KEY");
    assertThat(source.requiresApiKey()).isFalse();
  }
}
