package io.hwledger.cloud.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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
import io.hwledger.cloud.Snapshot;
import io.hwledger.cloud.SourceOutcome;
import io.hwledger.cloud.TestContexts;
import io.hwledger.cloud.Tier;
import io.hwledger.cloud.internal.GpuNames;
import io.hwledger.testsupport.Verifies;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Lambda source against recorded {@code GET /api/v1/instance-types} answers on loopback (see
 * the README next to the bodies for their sources).
 */
@Verifies("FR-CLOUD-008")
class LambdaSourceTest {
  private static final String PATH = "/api/v1/instance-types";
  private static final String BODY = "/io/hwledger/cloud/lambda/instance-types.json";
  private static final String LEGACY = "/io/hwledger/cloud/lambda/instance-types-legacy.json";
  private static final String FAKE_KEY = "secret_fake-lambda-key_0123456789";
  private static final long GIB = 1L << 30;

  private final LambdaSource source = new LambdaSource();
  private final RecordedApi api = new RecordedApi();
  private final List<Duration> waits = new ArrayList<>();

  @AfterEach
  void close() {
    api.close();
  }

  private List<Offer> fetch(Optional<ApiKey> key) throws PriceSourceException {
    return source.fetch(TestContexts.on(source, api, key, waits));
  }

  private List<Offer> fetch() throws PriceSourceException {
    return fetch(Optional.of(ApiKey.of(FAKE_KEY)));
  }

  private static Offer only(List<Offer> offers, String sku, String region) {
    return offers.stream()
        .filter(o -> o.sku().equals(sku) && Objects.equals(o.region(), region))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no offer " + sku + " in " + region));
  }

  @Test
  void describesItself() {
    assertThat(source.id()).isEqualTo("lambda");
    assertThat(source.displayName()).isEqualTo("Lambda");
    assertThat(source.defaultBaseUri()).isEqualTo(URI.create("https://cloud.lambda.ai"));
    assertThat(source.apiKeyVariable()).contains("LAMBDA_API_KEY");
    assertThat(source.requiresApiKey()).isTrue();
    assertThat(source.hasLiveApi()).isTrue();
  }

  @Test
  void sendsOneBearerGetToTheInstanceTypes() throws Exception {
    api.answerResource("GET", PATH, BODY);

    fetch();

    assertThat(api.requests()).hasSize(1);
    RecordedApi.Request request = api.requests().get(0);
    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.path()).isEqualTo(PATH);
    assertThat(request.header("Authorization")).isEqualTo("Bearer " + FAKE_KEY);
  }

  @Test
  void mapsEachTypeOncePerRegionWithCapacityAtItsInstancePrice() throws Exception {
    api.answerResource("GET", PATH, BODY);

    List<Offer> offers = fetch();

    // 8x H100 in two regions, GH200 in one, H100 PCIe with no capacity, 8x V100 in one.
    assertThat(offers).hasSize(5);
    Offer west = only(offers, "gpu_8x_h100_sxm5gdr", "us-west-1");
    Offer east = only(offers, "gpu_8x_h100_sxm5gdr", "us-east-1");
    for (Offer h100 : List.of(west, east)) {
      assertThat(h100.provider()).isEqualTo("lambda");
      assertThat(h100.gpuName()).isEqualTo("H100 (80 GB SXM5)");
      assertThat(h100.gpuId()).isEqualTo("h100-sxm-80gb");
      assertThat(h100.gpuCount()).isEqualTo(8);
      assertThat(h100.memoryPerGpuBytes()).isEqualTo(80 * GIB);
      // 3592 cents per instance-hour: $35.92 for the instance, 35.92 / 8 = $4.49 per GPU.
      assertThat(h100.usdPerInstanceHour()).isEqualTo(35.92);
      assertThat(h100.usdPerGpuHour()).isCloseTo(4.49, within(1e-9));
      assertThat(h100.market()).isEqualTo(Market.ON_DEMAND);
      assertThat(h100.tier()).isEqualTo(Tier.SECURE);
      assertThat(h100.bidRule()).isNull();
      assertThat(h100.availability()).isEqualTo(Availability.AVAILABLE);
      assertThat(h100.fetchedAt()).isEqualTo(TestContexts.NOW);
      assertThat(h100.source()).isEqualTo(api.baseUri().resolve(PATH).toString());
    }

    Offer gh200 = only(offers, "gpu_1x_gh200", "us-west-1");
    assertThat(gh200.gpuId()).isEqualTo("gh200-96gb");
    assertThat(gh200.gpuCount()).isEqualTo(1);
    assertThat(gh200.memoryPerGpuBytes()).isEqualTo(96 * GIB);
    assertThat(gh200.usdPerInstanceHour()).isEqualTo(1.49);

    Offer pcie = only(offers, "gpu_1x_h100_pcie", null);
    assertThat(pcie.gpuId()).isEqualTo("h100-pcie-80gb");
    assertThat(pcie.availability()).isEqualTo(Availability.NONE);
    assertThat(pcie.usdPerInstanceHour()).isEqualTo(2.49);
  }

  @Test
  void aGpuTheCatalogLacksIsUnknownNotGuessed() throws Exception {
    api.answerResource("GET", PATH, BODY);

    Offer v100 = only(fetch(), "gpu_8x_v100", "us-south-1");

    assertThat(v100.gpuName()).isEqualTo("Tesla V100 (16 GB)");
    assertThat(v100.gpuId()).isNull();
    assertThat(v100.gpuCount()).isEqualTo(8);
    assertThat(v100.memoryPerGpuBytes()).isEqualTo(16 * GIB);
    assertThat(v100.usdPerInstanceHour()).isEqualTo(4.40);
  }

  /**
   * SkyPilot's Lambda catalog put the per-GPU memory in {@code TotalGpuMemoryInMiB} of 4x and 8x
   * rows (FLEET.md §5), and a per-GPU price read as an instance price overbids eight-fold: the 8x
   * offer holds 80 GiB per GPU, 640 GiB in all, and one instance price.
   */
  @Test
  void anEightGpuInstanceHoldsPerGpuMemoryAndOneInstancePrice() throws Exception {
    api.answerResource("GET", PATH, BODY);

    Offer h100 = only(fetch(), "gpu_8x_h100_sxm5gdr", "us-west-1");

    assertThat(h100.memoryPerGpuBytes()).isEqualTo(80 * GIB);
    assertThat(h100.memoryBytes()).isEqualTo(640 * GIB);
    assertThat(h100.usdPerInstanceHour()).isEqualTo(35.92).isNotEqualTo(35.92 * 8);
    assertThat(h100.usdPerGpuHour() * h100.gpuCount()).isCloseTo(35.92, within(1e-9));
  }

  @Test
  void readsTheOlderShapeWithoutGpuDescriptionOrGpuCount() throws Exception {
    api.answerResource("GET", PATH, LEGACY);

    List<Offer> offers = fetch();

    assertThat(offers).hasSize(2);
    Offer a100 = only(offers, "gpu_8x_a100_80gb_sxm4", "us-east-1");
    assertThat(a100.gpuName()).isEqualTo("A100 (80 GB SXM4)");
    assertThat(a100.gpuId()).isEqualTo("a100-sxm-80gb");
    assertThat(a100.gpuCount()).isEqualTo(8);
    assertThat(a100.memoryPerGpuBytes()).isEqualTo(80 * GIB);
    assertThat(a100.memoryBytes()).isEqualTo(640 * GIB);
    assertThat(a100.usdPerInstanceHour()).isEqualTo(12.00);
    assertThat(a100.usdPerGpuHour()).isEqualTo(1.50);

    Offer one = only(offers, "gpu_1x_a100_sxm4", null);
    assertThat(one.gpuId()).isEqualTo("a100-sxm-40gb");
    assertThat(one.gpuCount()).isEqualTo(1);
    assertThat(one.availability()).isEqualTo(Availability.NONE);
    assertThat(one.usdPerInstanceHour()).isEqualTo(1.10);
  }

  @Test
  void leavesOutACpuOnlyTypeAndOneWhoseDescriptionItCannotRead() throws Exception {
    // The documented shape with values outside the GPU types: specs.gpus 0, and a description
    // that is not "Nx GPU (M GB ...)".
    api.answer(
        "GET",
        PATH,
        200,
        Map.of(),
        "{\"data\":{"
            + "\"cpu_4x_general\":{\"instance_type\":{\"name\":\"cpu_4x_general\","
            + "\"description\":\"4x vCPU\",\"gpu_description\":\"\",\"price_cents_per_hour\":36,"
            + "\"specs\":{\"vcpus\":4,\"memory_gib\":16,\"storage_gib\":100,\"gpus\":0}},"
            + "\"regions_with_capacity_available\":[{\"name\":\"us-east-1\","
            + "\"description\":\"Virginia, USA\"}]},"
            + "\"gpu_1x_new\":{\"instance_type\":{\"name\":\"gpu_1x_new\","
            + "\"description\":\"1x Next GPU\",\"gpu_description\":\"Next GPU\","
            + "\"price_cents_per_hour\":500,"
            + "\"specs\":{\"vcpus\":8,\"memory_gib\":64,\"storage_gib\":100,\"gpus\":1}},"
            + "\"regions_with_capacity_available\":[]}}}");

    assertThat(fetch()).isEmpty();
  }

  @Test
  void anUnreadableGpuDescriptionFallsBackToTheDescription() throws Exception {
    api.answer(
        "GET",
        PATH,
        200,
        Map.of(),
        "{\"data\":{\"gpu_1x_a100_sxm4\":{\"instance_type\":{\"name\":\"gpu_1x_a100_sxm4\","
            + "\"description\":\"1x A100 (40 GB SXM4)\",\"gpu_description\":\"A100\","
            + "\"price_cents_per_hour\":129,"
            + "\"specs\":{\"vcpus\":30,\"memory_gib\":200,\"storage_gib\":512,\"gpus\":1}},"
            + "\"regions_with_capacity_available\":[]}}}");

    Offer a100 = only(fetch(), "gpu_1x_a100_sxm4", null);

    assertThat(a100.gpuName()).isEqualTo("A100 (40 GB SXM4)");
    assertThat(a100.gpuId()).isEqualTo("a100-sxm-40gb");
    assertThat(a100.memoryPerGpuBytes()).isEqualTo(40 * GIB);
  }

  @Test
  void anImpossibleGpuCountIsRefusedInOneLine() {
    api.answer(
        "GET",
        PATH,
        200,
        Map.of(),
        "{\"data\":{\"gpu_1x_a10\":{\"instance_type\":{\"name\":\"gpu_1x_a10\","
            + "\"description\":\"1x A10 (24 GB PCIe)\",\"price_cents_per_hour\":129,"
            + "\"specs\":{\"vcpus\":30,\"memory_gib\":200,\"storage_gib\":1400,"
            + "\"gpus\":4294967296}},\"regions_with_capacity_available\":[]}}}");

    assertThatThrownBy(this::fetch)
        .isInstanceOf(PriceSourceException.class)
        .hasMessage("Lambda: instance type gpu_1x_a10 has 'specs.gpus' 4294967296, more than 1024");
  }

  @Test
  void withoutAKeyA401SaysWhichVariableToSet() {
    api.answer("GET", PATH, 401, Map.of(), "{\"error\":{\"code\":\"global/invalid-api-key\"}}");

    assertThatThrownBy(() -> fetch(Optional.empty()))
        .isInstanceOf(PriceSourceException.class)
        .hasMessageContaining("Lambda requires an API key")
        .hasMessageContaining("LAMBDA_API_KEY");
    assertThat(api.requests().get(0).header("Authorization")).isNull();
  }

  @Test
  void aRejectedKeyIsNamedByItsVariableNeverShown() {
    api.answer("GET", PATH, 401, Map.of(), "{\"error\":{\"code\":\"global/invalid-api-key\"}}");

    assertThatThrownBy(this::fetch)
        .isInstanceOf(PriceSourceException.class)
        .hasMessageContaining("Lambda rejected the API key")
        .hasMessageContaining("LAMBDA_API_KEY")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(FAKE_KEY).doesNotContain("\n"));
  }

  @Test
  void a429WaitsWhatRetryAfterSaysThenReads() throws Exception {
    api.answer("GET", PATH, 429, Map.of("Retry-After", "7"), "{}");
    api.answerResource("GET", PATH, BODY);

    assertThat(fetch()).hasSize(5);
    assertThat(waits).containsExactly(Duration.ofSeconds(7));
    assertThat(api.requests()).hasSize(2);
  }

  @Test
  void a5xxIsRetriedThenReads() throws Exception {
    api.answer(
        "GET",
        PATH,
        503,
        Map.of(),
        "{\"error\":{\"code\":\"provider/internal-unavailable\",\"message\":\"Provider"
            + " unavailable\"}}");
    api.answerResource("GET", PATH, BODY);

    assertThat(fetch()).hasSize(5);
    assertThat(waits).hasSize(1);
    assertThat(api.requests()).hasSize(2);
  }

  @Test
  void anAnswerThatNeverComesTimesOutAfterTheTries() {
    api.answerSlowly("GET", PATH, 60_000);

    assertThatThrownBy(this::fetch)
        .isInstanceOf(PriceSourceException.class)
        .hasMessageContaining("Lambda")
        .hasMessageContaining("no answer within 2 s")
        .hasMessageContaining("after 3 tries");
    assertThat(waits).hasSize(2);
  }

  @Test
  void malformedJsonIsOneLineNamingLambda() {
    api.answer("GET", PATH, 200, Map.of(), "{\"data\": {\"gpu_1x_a10\": ");

    assertThatThrownBy(this::fetch)
        .isInstanceOf(PriceSourceException.class)
        .hasMessageStartingWith("Lambda sent malformed JSON for the instance types")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aMissingPriceNamesTheTypeAndTheField() {
    api.answer(
        "GET",
        PATH,
        200,
        Map.of(),
        "{\"data\":{\"gpu_1x_a10\":{\"instance_type\":{\"name\":\"gpu_1x_a10\","
            + "\"description\":\"1x A10 (24 GB PCIe)\",\"gpu_description\":\"A10 (24 GB PCIe)\","
            + "\"specs\":{\"vcpus\":30,\"memory_gib\":200,\"storage_gib\":1400,\"gpus\":1}},"
            + "\"regions_with_capacity_available\":[]}}}");

    assertThatThrownBy(this::fetch)
        .isInstanceOf(PriceSourceException.class)
        .hasMessage("Lambda: instance type gpu_1x_a10 has no 'price_cents_per_hour'");
  }

  @Test
  void missingRegionsAndAWrongDataTypeAreNamed() {
    api.answer(
        "GET",
        PATH,
        200,
        Map.of(),
        "{\"data\":{\"gpu_1x_a10\":{\"instance_type\":{\"name\":\"gpu_1x_a10\","
            + "\"description\":\"1x A10 (24 GB PCIe)\",\"price_cents_per_hour\":129,"
            + "\"specs\":{\"vcpus\":30,\"memory_gib\":200,\"storage_gib\":1400,\"gpus\":1}}}}}");
    assertThatThrownBy(this::fetch)
        .hasMessage("Lambda: instance type gpu_1x_a10 has no 'regions_with_capacity_available'");

    RecordedApi other = new RecordedApi();
    try (other) {
      other.answer("GET", PATH, 200, Map.of(), "{\"data\":[]}");
      assertThatThrownBy(
              () -> source.fetch(TestContexts.on(source, other, Optional.empty(), waits)))
          .hasMessage("Lambda: the answer has 'data' that is not an object");
    }
  }

  @Test
  void aFractionalOrNegativePriceIsRefused() {
    api.answer(
        "GET",
        PATH,
        200,
        Map.of(),
        "{\"data\":{\"gpu_1x_a10\":{\"instance_type\":{\"name\":\"gpu_1x_a10\","
            + "\"description\":\"1x A10 (24 GB PCIe)\",\"price_cents_per_hour\":-129,"
            + "\"specs\":{\"vcpus\":30,\"memory_gib\":200,\"storage_gib\":1400,\"gpus\":1}},"
            + "\"regions_with_capacity_available\":[]}}}");

    assertThatThrownBy(this::fetch)
        .hasMessage(
            "Lambda: instance type gpu_1x_a10 has 'price_cents_per_hour' that is not a whole"
                + " number >= 0");
  }

  @Test
  void theSnapshotIsDatedCitedAndPricedPerGpuAsThePageQuotes() {
    Snapshot snapshot = source.snapshot();

    assertThat(snapshot.source()).isEqualTo("lambda");
    assertThat(snapshot.asOf()).isEqualTo(LocalDate.of(2026, 9, 20));
    assertThat(snapshot.citation()).contains("lambda.ai");
    assertThat(snapshot.offers()).hasSize(17);
    Offer eight =
        snapshot.offers().stream()
            .filter(o -> o.sku().equals("8x NVIDIA H100 SXM"))
            .findFirst()
            .orElseThrow();
    // The page: $3.99 per GPU-hour for the 8x H100 SXM instance; 8 x 3.99 = 31.92 per instance.
    assertThat(eight.usdPerInstanceHour()).isCloseTo(31.92, within(1e-9));
    assertThat(eight.usdPerGpuHour()).isCloseTo(3.99, within(1e-9));
    assertThat(eight.memoryPerGpuBytes()).isEqualTo(80 * GIB);
    assertThat(eight.memoryBytes()).isEqualTo(640 * GIB);
    assertThat(eight.gpuId()).isEqualTo("h100-sxm-80gb");
    GpuNames names = GpuNames.of("lambda");
    for (Offer o : snapshot.offers()) {
      assertThat(o.market()).isEqualTo(Market.ON_DEMAND);
      assertThat(o.tier()).isEqualTo(Tier.SECURE);
      assertThat(o.gpuId())
          .as("gpuId of %s is what the GPU table maps", o.sku())
          .isEqualTo(names.idOf(o.gpuName(), o.memoryPerGpuBytes()));
      assertThat(GpuDescription.parse(o.gpuName()))
          .as("gpuName of %s is in the API's form", o.sku())
          .isPresent();
    }
  }

  @Test
  void cloudPricesReadsLiveWithAKeyAtTheConfiguredBaseAndTheDatedSnapshotWithout() {
    api.answerResource("GET", PATH, BODY);
    CloudSettings atLoopback = CloudSettings.none().withBaseUri("lambda", api.baseUri());

    PriceReport live =
        TestContexts.prices(waits)
            .sources(List.of(source))
            .settings(atLoopback.withApiKey("lambda", ApiKey.of(FAKE_KEY)))
            .build()
            .fetch(Set.of("lambda"), CloudPrices.Mode.NORMAL);
    assertThat(live.outcomes().get(0).origin()).isEqualTo(SourceOutcome.Origin.LIVE);
    assertThat(live.offers()).hasSize(5);
    assertThat(api.requests()).hasSize(1);

    PriceReport keyless =
        TestContexts.prices(waits)
            .sources(List.of(source))
            .settings(atLoopback)
            .build()
            .fetch(Set.of("lambda"), CloudPrices.Mode.NORMAL);
    SourceOutcome outcome = keyless.outcomes().get(0);
    assertThat(outcome.origin()).isEqualTo(SourceOutcome.Origin.SNAPSHOT);
    assertThat(outcome.warning())
        .hasValueSatisfying(w -> assertThat(w).contains("LAMBDA_API_KEY").contains("2026-09-20"));
    assertThat(keyless.offers()).hasSize(17);
    assertThat(api.requests()).hasSize(1);
  }

  @Test
  void isFoundByServiceLoader() {
    List<PriceSource> sources = CloudPrices.builder().build().sources();

    assertThat(sources).anySatisfy(s -> assertThat(s).isInstanceOf(LambdaSource.class));
  }
}
