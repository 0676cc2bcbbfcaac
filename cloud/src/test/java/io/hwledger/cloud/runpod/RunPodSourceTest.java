package io.hwledger.cloud.runpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

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
import io.hwledger.testsupport.Verifies;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The RunPod source against recorded GraphQL answers on a loopback server. */
@Verifies("FR-CLOUD-007")
class RunPodSourceTest {
  private static final String PATH = "/graphql";
  private static final String TYPES = "/io/hwledger/cloud/runpod/gputypes.json";
  private static final String H100 = "NVIDIA H100 80GB HBM3";
  private static final String RTX4090 = "NVIDIA GeForce RTX 4090";
  private static final long GIB = 1L << 30;
  private static final String FAKE_KEY = "fake-runpod-key-0123456789abcdef";

  private final RecordedApi api = new RecordedApi();
  private final List<Duration> waits = new ArrayList<>();
  private final RunPodSource source = new RunPodSource();

  @AfterEach
  void close() {
    api.close();
  }

  private SourceContext context(Optional<ApiKey> key) {
    return TestContexts.on(source, api, key, waits);
  }

  private List<Offer> fetchRecorded() throws PriceSourceException {
    api.answerResource("POST", PATH, TYPES);
    return source.fetch(context(Optional.empty()));
  }

  private static Offer find(List<Offer> offers, String sku, Tier tier, Market market, int count) {
    return offers.stream()
        .filter(
            o ->
                o.sku().equals(sku)
                    && o.tier() == tier
                    && o.market() == market
                    && o.gpuCount() == count)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void mapsEveryCloudMarketAndCountWithStock() throws PriceSourceException {
    List<Offer> offers = fetchRecorded();

    // H100: Secure 1, 2, 4, 8 (stock at each) x on-demand and spot = 8; Community up to its
    // maximum 4: 1 and 2 have stock, 4 has none = 2 x 2 = 4. RTX 4090: no Secure stock;
    // Community 1, 2, 4, 8 x on-demand and spot = 8. RTX PRO 4500: Community 1 and 2,
    // on-demand only (no spot price) = 2. A30: no prices = 0. In all 8 + 4 + 8 + 2 = 22.
    assertThat(offers).hasSize(22);
    Offer h100 = find(offers, H100, Tier.SECURE, Market.ON_DEMAND, 1);
    assertThat(h100.provider()).isEqualTo("runpod");
    assertThat(h100.gpuName()).isEqualTo("H100 SXM");
    assertThat(h100.gpuId()).isEqualTo("h100-sxm-80gb");
    assertThat(h100.usdPerInstanceHour()).isEqualTo(2.99);
    assertThat(h100.bidRule()).isNull();
    assertThat(h100.region()).isNull();
    assertThat(h100.availability()).isEqualTo(Availability.HIGH);
    assertThat(h100.fetchedAt()).isEqualTo(TestContexts.NOW);
    assertThat(h100.source()).isEqualTo(api.baseUri() + PATH);
    assertThat(find(offers, H100, Tier.SECURE, Market.ON_DEMAND, 4).availability())
        .isEqualTo(Availability.MEDIUM);
    assertThat(find(offers, H100, Tier.SECURE, Market.ON_DEMAND, 8).availability())
        .isEqualTo(Availability.LOW);
  }

  @Test
  void theInstancePriceIsTheCountTimesThePerGpuPrice() throws PriceSourceException {
    Offer eight = find(fetchRecorded(), H100, Tier.SECURE, Market.ON_DEMAND, 8);

    // securePrice 2.99 per GPU-hour: 8 GPUs cost 8 x 2.99 = 23.92 per instance-hour.
    assertThat(eight.usdPerInstanceHour()).isEqualTo(8 * 2.99);
    assertThat(eight.usdPerGpuHour()).isEqualTo(2.99);
  }

  /** Catalog bug class (dstack #1890): a spot bid per instance where RunPod takes it per GPU. */
  @Test
  void aSpotBidIsPerGpuAndTheEightGpuInstanceCostsEightBids() throws PriceSourceException {
    Offer spot = find(fetchRecorded(), H100, Tier.SECURE, Market.SPOT, 8);

    // secureSpotPrice 2.39 per GPU-hour: the bid is 2.39 per GPU, the instance 8 x 2.39 = 19.12.
    assertThat(spot.usdPerInstanceHour()).isEqualTo(8 * 2.39);
    assertThat(spot.usdPerGpuHour()).isEqualTo(2.39);
    assertThat(spot.bidRule())
        .contains("bidPerGpu")
        .contains("per GPU-hour")
        .contains("2.3900")
        .contains("8 GPUs costs 8 x the bid");
    // Bidding the instance price per GPU would be 8 x 19.12 = 152.96 an hour, 8 times too much.
    assertThat(spot.bidRule()).doesNotContain("19.12");
  }

  /** Catalog bug class (dstack #1886/#1892): Community prices shown, Secure launched. */
  @Test
  void eachOffersTierIsTheCloudItsPriceCameFrom() throws PriceSourceException {
    List<Offer> h100 =
        fetchRecorded().stream().filter(o -> o.sku().equals(H100) && o.gpuCount() == 1).toList();

    assertThat(h100)
        .extracting(Offer::tier, Offer::market, Offer::usdPerInstanceHour)
        .containsExactlyInAnyOrder(
            tuple(Tier.SECURE, Market.ON_DEMAND, 2.99),
            tuple(Tier.SECURE, Market.SPOT, 2.39),
            tuple(Tier.COMMUNITY, Market.ON_DEMAND, 2.69),
            tuple(Tier.COMMUNITY, Market.SPOT, 2.09));
    assertThat(find(h100, H100, Tier.COMMUNITY, Market.SPOT, 1).bidRule())
        .contains("Community Cloud");
    assertThat(find(h100, H100, Tier.SECURE, Market.SPOT, 1).bidRule()).contains("Secure Cloud");
  }

  @Test
  void noOfferWithoutStockOrPriceOrAboveTheCloudsMaximum() throws PriceSourceException {
    List<Offer> offers = fetchRecorded();

    // H100 Community: 4 GPUs have a null stockStatus, 8 are above maxGpuCountCommunityCloud 4
    // (though stock is reported for 8).
    assertThat(offers)
        .filteredOn(o -> o.sku().equals(H100) && o.tier() == Tier.COMMUNITY)
        .extracting(Offer::gpuCount)
        .containsOnly(1, 2);
    // RTX 4090: securePrice 0.59 but no Secure stock; no secureSpotPrice.
    assertThat(offers)
        .filteredOn(o -> o.sku().equals(RTX4090))
        .allSatisfy(o -> assertThat(o.tier()).isEqualTo(Tier.COMMUNITY));
    // A30: every price null.
    assertThat(offers).noneMatch(o -> o.sku().equals("NVIDIA A30"));
  }

  /** Catalog bug class (SkyPilot's {@code SizeInMiB: 80}): memoryInGb is GiB per GPU. */
  @Test
  void memoryInGbIsGibPerGpu() throws PriceSourceException {
    List<Offer> offers = fetchRecorded();
    Offer h100 = find(offers, H100, Tier.SECURE, Market.ON_DEMAND, 8);
    Offer rtx = find(offers, RTX4090, Tier.COMMUNITY, Market.ON_DEMAND, 2);

    // memoryInGb 80 -> 80 x 2^30 = 85,899,345,920 bytes per GPU (not 80 MiB), 8 x that in all.
    assertThat(h100.memoryPerGpuBytes()).isEqualTo(80 * GIB).isEqualTo(85_899_345_920L);
    assertThat(h100.memoryBytes()).isEqualTo(8 * 80 * GIB);
    assertThat(rtx.memoryPerGpuBytes()).isEqualTo(24 * GIB);
    assertThat(rtx.gpuId()).isEqualTo("rtx-4090");
    // communityPrice 0.34 per GPU-hour x 2 GPUs.
    assertThat(rtx.usdPerInstanceHour()).isEqualTo(2 * 0.34);
  }

  @Test
  void anUnknownGpuTypeIsReportedNotGuessed() throws PriceSourceException {
    Offer pro =
        find(fetchRecorded(), "NVIDIA RTX PRO 4500 Blackwell", Tier.COMMUNITY, Market.ON_DEMAND, 2);

    assertThat(pro.gpuName()).isEqualTo("RTX PRO 4500");
    assertThat(pro.gpuId()).isNull();
    assertThat(pro.usdPerInstanceHour()).isEqualTo(2 * 0.35);
    assertThat(pro.availability()).isEqualTo(Availability.LOW);
  }

  @Test
  void asksEveryCloudAndCountInOneQuery() throws Exception {
    fetchRecorded();

    assertThat(api.requests()).hasSize(1);
    String query = Json.MAPPER.readTree(api.requests().get(0).body()).get("query").asText();
    assertThat(query)
        .contains("securePrice communityPrice secureSpotPrice communitySpotPrice")
        .contains("memoryInGb maxGpuCountSecureCloud maxGpuCountCommunityCloud")
        .contains("secure1: lowestPrice(input: {gpuCount: 1, secureCloud: true}) { stockStatus }")
        .contains("community8: lowestPrice(input: {gpuCount: 8, secureCloud: false})");
    assertThat(api.requests().get(0).header("Authorization")).isNull();
  }

  @Test
  void sendsTheKeyAsBearerWhenOneIsSet() throws PriceSourceException {
    api.answerResource("POST", PATH, TYPES);

    source.fetch(context(Optional.of(ApiKey.of(FAKE_KEY))));

    assertThat(api.requests().get(0).header("Authorization")).isEqualTo("Bearer " + FAKE_KEY);
  }

  @Test
  void graphqlErrorsAreOneLine() {
    api.answerResource("POST", PATH, "/io/hwledger/cloud/runpod/errors.json");

    assertThatThrownBy(() -> source.fetch(context(Optional.empty())))
        .isInstanceOf(PriceSourceException.class)
        .hasMessage(
            "RunPod answered GraphQL errors: Something went wrong. Please try again later.");
  }

  @Test
  void unauthorizedWithoutAKeyNamesTheVariable() {
    api.answer("POST", PATH, 401, Map.of(), "{\"errors\":[{\"message\":\"Unauthorized\"}]}");

    assertThatThrownBy(() -> source.fetch(context(Optional.empty())))
        .isInstanceOf(PriceSourceException.class)
        .hasMessage("RunPod requires an API key (HTTP 401): set RUNPOD_API_KEY");
  }

  @Test
  void unauthorizedWithAKeyNamesTheVariableButNotTheKey() {
    api.answer("POST", PATH, 403, Map.of(), "{\"errors\":[{\"message\":\"" + FAKE_KEY + "\"}]}");

    assertThatThrownBy(() -> source.fetch(context(Optional.of(ApiKey.of(FAKE_KEY)))))
        .isInstanceOf(PriceSourceException.class)
        .hasMessageContaining("rejected the API key")
        .hasMessageContaining("RUNPOD_API_KEY")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(FAKE_KEY));
  }

  @Test
  void tooManyRequestsWaitsWhatRetryAfterAsks() throws PriceSourceException {
    api.answer("POST", PATH, 429, Map.of("Retry-After", "7"), "{}")
        .answerResource("POST", PATH, TYPES);

    assertThat(source.fetch(context(Optional.empty()))).hasSize(22);
    assertThat(waits).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void aServerErrorIsRetriedThenSucceeds() throws PriceSourceException {
    api.answer("POST", PATH, 500, Map.of(), "{}").answerResource("POST", PATH, TYPES);

    assertThat(source.fetch(context(Optional.empty()))).hasSize(22);
    assertThat(waits).hasSize(1);
    assertThat(api.requests()).hasSize(2);
  }

  @Test
  void aQueryThatDoesNotAnswerTimesOut() {
    api.answerSlowly("POST", PATH, 30_000);

    assertThatThrownBy(() -> source.fetch(context(Optional.empty())))
        .isInstanceOf(PriceSourceException.class)
        .hasMessage("RunPod: no answer within 2 s for " + api.baseUri() + PATH + " after 3 tries");
  }

  @Test
  void malformedJsonIsOneLine() {
    api.answer("POST", PATH, 200, Map.of(), "{\"data\": {\"gpuTypes\": [}");

    assertThatThrownBy(() -> source.fetch(context(Optional.empty())))
        .isInstanceOf(PriceSourceException.class)
        .hasMessageStartingWith("RunPod sent malformed JSON for the GPU-type query")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aTypeWithoutItsMemoryNamesTheTypeAndTheField() {
    api.answerResource("POST", PATH, "/io/hwledger/cloud/runpod/partial.json");

    assertThatThrownBy(() -> source.fetch(context(Optional.empty())))
        .isInstanceOf(PriceSourceException.class)
        .hasMessage("RunPod: GPU type NVIDIA H100 80GB HBM3 has no 'memoryInGb'");
  }

  @Test
  void aTypeWithoutTheAskedStockNamesTheAlias() {
    api.answer(
        "POST",
        PATH,
        200,
        Map.of(),
        "{\"data\":{\"gpuTypes\":[{\"id\":\"NVIDIA L4\",\"displayName\":\"L4\",\"memoryInGb\":24,"
            + "\"maxGpuCountSecureCloud\":1,\"maxGpuCountCommunityCloud\":0,"
            + "\"securePrice\":0.44,\"communityPrice\":null,\"secureSpotPrice\":null,"
            + "\"communitySpotPrice\":null}]}}");

    assertThatThrownBy(() -> source.fetch(context(Optional.empty())))
        .isInstanceOf(PriceSourceException.class)
        .hasMessage("RunPod: GPU type NVIDIA L4 has no 'secure1'");
  }

  @Test
  void theSnapshotIsDatedCitedAndPerGpuHour() {
    var snapshot = source.snapshot();

    assertThat(snapshot.source()).isEqualTo("runpod");
    assertThat(snapshot.asOf()).isEqualTo(LocalDate.of(2026, 11, 9));
    assertThat(snapshot.citation()).contains("runpod.io/pricing");
    assertThat(snapshot.offers())
        .filteredOn(o -> o.sku().equals(H100))
        .extracting(Offer::tier, Offer::usdPerGpuHour)
        .containsExactlyInAnyOrder(tuple(Tier.SECURE, 3.99), tuple(Tier.COMMUNITY, 2.69));
  }

  @Test
  @Verifies("FR-CLOUD-005")
  void aFailingQueryFallsBackToTheDatedSnapshot() {
    api.answerResource("POST", PATH, "/io/hwledger/cloud/runpod/errors.json");
    CloudPrices prices =
        TestContexts.prices(waits)
            .sources(List.of(source))
            .settings(CloudSettings.none().withBaseUri("runpod", api.baseUri()))
            .build();

    PriceReport report = prices.fetch(Set.of(), CloudPrices.Mode.NORMAL);

    SourceOutcome outcome = report.outcomes().get(0);
    assertThat(outcome.origin()).isEqualTo(SourceOutcome.Origin.SNAPSHOT);
    assertThat(outcome.warning().orElseThrow())
        .contains("GraphQL errors")
        .contains("snapshot of 2026-11-09");
    assertThat(report.offers()).isEqualTo(source.snapshot().offers());
  }

  @Test
  @Verifies("FR-CLOUD-001")
  void serviceLoaderFindsTheSource() {
    assertThat(ServiceLoader.load(PriceSource.class).stream().map(p -> p.type().getName()))
        .contains(RunPodSource.class.getName());
    assertThat(source.apiKeyVariable()).contains("RUNPOD_API_KEY");
    assertThat(source.requiresApiKey()).isFalse();
  }
}
