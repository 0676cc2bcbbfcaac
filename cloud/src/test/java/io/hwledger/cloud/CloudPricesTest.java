package io.hwledger.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.cloud.SourceOutcome.Origin;
import io.hwledger.testsupport.Verifies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudPricesTest {
  private static final String TWO_OFFERS =
      "{\"offers\": [{\"sku\": \"a\", \"usd\": 2.0}, {\"sku\": \"b\", \"usd\": 3.5}]}";

  @TempDir Path cache;

  private final List<Duration> waits = new ArrayList<>();

  private CloudPrices prices(RecordedApi api, PriceSource... sources) {
    CloudSettings settings = CloudSettings.none();
    for (PriceSource s : sources) {
      settings =
          settings
              .withBaseUri(s.id(), api.baseUri())
              .withApiKey(s.id(), ApiKey.of("fake-key-" + s.id()));
    }
    return TestContexts.prices(waits)
        .sources(List.of(sources))
        .settings(settings)
        .cacheDirectory(cache)
        .build();
  }

  @Test
  @Verifies({"FR-CLOUD-001", "FR-CLOUD-005"})
  void liveOffersAreCachedAndTheCacheServesUntilItsTtl() {
    try (RecordedApi api = new RecordedApi()) {
      api.answer("GET", "/offers", 200, Map.of(), TWO_OFFERS);
      FakeSource source = new FakeSource("one", true, true);
      PriceReport first = prices(api, source).fetch(Set.of(), CloudPrices.Mode.NORMAL);
      assertThat(first.outcomes())
          .singleElement()
          .extracting(SourceOutcome::origin)
          .isEqualTo(Origin.LIVE);
      assertThat(first.offers()).extracting(Offer::sku).containsExactly("a", "b");
      assertThat(api.requests())
          .singleElement()
          .satisfies(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer fake-key-one"));
      assertThat(Files.exists(cache.resolve("one.json"))).isTrue();

      PriceReport second = prices(api, source).fetch(Set.of(), CloudPrices.Mode.NORMAL);
      assertThat(second.outcomes().get(0).origin()).isEqualTo(Origin.CACHE);
      assertThat(second.offers()).isEqualTo(first.offers());
      assertThat(api.requests()).hasSize(1);

      // Past the 15-minute TTL the source is read again.
      CloudPrices later =
          CloudPrices.builder()
              .sources(List.of(source))
              .settings(
                  CloudSettings.none()
                      .withBaseUri("one", api.baseUri())
                      .withApiKey("one", ApiKey.of("k")))
              .cacheDirectory(cache)
              .clock(Clock.fixed(TestContexts.NOW.plus(Duration.ofMinutes(16)), ZoneOffset.UTC))
              .build();
      assertThat(later.fetch(Set.of(), CloudPrices.Mode.NORMAL).outcomes().get(0).origin())
          .isEqualTo(Origin.LIVE);
      assertThat(api.requests()).hasSize(2);
    }
  }

  @Test
  @Verifies({"FR-CLOUD-001", "FR-CLOUD-005"})
  void aFailingSourceFallsBackToItsStaleCacheThenItsSnapshotAndNeverHidesTheOthers() {
    try (RecordedApi api = new RecordedApi()) {
      api.answer("GET", "/offers", 200, Map.of(), TWO_OFFERS);
      FakeSource good = new FakeSource("good", true, true);
      prices(api, good).fetch(Set.of(), CloudPrices.Mode.NORMAL); // fills good's cache

      try (RecordedApi broken = new RecordedApi()) {
        broken.answer("GET", "/offers", 500, Map.of(), "{}");
        FakeSource bad = new FakeSource("bad", true, true);
        CloudPrices p =
            TestContexts.prices(waits)
                .sources(List.of(good, bad))
                .settings(
                    CloudSettings.none()
                        .withBaseUri("good", broken.baseUri())
                        .withApiKey("good", ApiKey.of("k1"))
                        .withBaseUri("bad", broken.baseUri())
                        .withApiKey("bad", ApiKey.of("k2")))
                .cacheDirectory(cache)
                .build();
        PriceReport r = p.fetch(Set.of(), CloudPrices.Mode.REFRESH);
        assertThat(r.outcomes())
            .extracting(SourceOutcome::origin)
            .containsExactly(Origin.STALE_CACHE, Origin.SNAPSHOT);
        assertThat(r.outcomes().get(0).warning())
            .hasValueSatisfying(
                w ->
                    assertThat(w)
                        .contains(
                            "Fake good: HTTP 500",
                            "after 3 tries",
                            "using prices read at 2026-12-06T00:00:00Z"));
        assertThat(r.outcomes().get(1).warning())
            .hasValueSatisfying(
                w ->
                    assertThat(w)
                        .contains(
                            "HTTP 500",
                            "using the snapshot of 2026-11-01 (https://fake.invalid/pricing)"));
        assertThat(r.offers()).extracting(Offer::sku).containsExactly("a", "b", "snap");
        // two sources × 3 tries, 2 waits each
        assertThat(waits).hasSize(4);
      }
    }
  }

  @Test
  @Verifies("FR-CLOUD-001")
  void aSourceThatThrowsIsReportedAndTheOthersStillCount() {
    PriceSource throwing =
        new FakeSource("boom", false, true) {
          @Override
          public List<Offer> fetch(SourceContext context) {
            throw new IllegalStateException("bug in a third-party source");
          }
        };
    try (RecordedApi api = new RecordedApi()) {
      api.answer("GET", "/offers", 200, Map.of(), TWO_OFFERS);
      PriceReport r =
          prices(api, new FakeSource("fine", true, true), throwing)
              .fetch(Set.of(), CloudPrices.Mode.NORMAL);
      assertThat(r.outcomes())
          .extracting(SourceOutcome::origin)
          .containsExactly(Origin.LIVE, Origin.SNAPSHOT);
      assertThat(r.outcomes().get(1).warning())
          .hasValueSatisfying(w -> assertThat(w).contains("bug in a third-party source"));
    }
  }

  @Test
  @Verifies({"FR-CLOUD-004", "FR-CLOUD-005"})
  void withoutAKeyTheSnapshotIsUsedAndTheVariableNamed() {
    FakeSource source = new FakeSource("keyed", true, true);
    PriceReport r =
        TestContexts.prices(waits)
            .sources(List.of(source))
            .build()
            .fetch(Set.of(), CloudPrices.Mode.NORMAL);
    assertThat(r.outcomes().get(0).origin()).isEqualTo(Origin.SNAPSHOT);
    assertThat(r.outcomes().get(0).warning())
        .contains(
            "no API key for Fake keyed (set FAKE_API_KEY): using the snapshot of 2026-11-01 (https://fake.invalid/pricing), 35 days old");
    assertThat(r.offers())
        .extracting(Offer::fetchedAt)
        .containsExactly(TestContexts.NOW.minus(Duration.ofDays(35)));
  }

  @Test
  @Verifies("FR-CLOUD-005")
  void offlineModeReadsNoNetworkAndSourcesWithoutAnApiUseTheirTable() {
    try (RecordedApi api = new RecordedApi()) {
      PriceReport r =
          prices(api, new FakeSource("a", false, true), new FakeSource("table", false, false))
              .fetch(Set.of(), CloudPrices.Mode.OFFLINE);
      assertThat(r.outcomes())
          .extracting(SourceOutcome::origin)
          .containsExactly(Origin.SNAPSHOT, Origin.SNAPSHOT);
      assertThat(api.requests()).isEmpty();
      PriceReport normal =
          prices(api, new FakeSource("table", false, false))
              .fetch(Set.of(), CloudPrices.Mode.NORMAL);
      assertThat(normal.outcomes().get(0).warning())
          .contains(
              "Fake table publishes no price API: using the snapshot of 2026-11-01 (https://fake.invalid/pricing), 35 days old");
      assertThat(api.requests()).isEmpty();
    }
  }

  @Test
  @Verifies("FR-CLOUD-001")
  void sourcesAreChosenByIdAndAnUnknownIdIsNamed() {
    CloudPrices p =
        TestContexts.prices(waits)
            .sources(List.of(new FakeSource("x", false, false), new FakeSource("y", false, false)))
            .build();
    assertThat(p.fetch(Set.of("y"), CloudPrices.Mode.OFFLINE).outcomes())
        .extracting(SourceOutcome::source)
        .containsExactly("y");
    assertThatThrownBy(() -> p.fetch(Set.of("z"), CloudPrices.Mode.OFFLINE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown price source 'z' (known: x, y)");
    assertThatThrownBy(
            () ->
                TestContexts.prices(waits)
                    .sources(
                        List.of(
                            new FakeSource("x", false, false), new FakeSource("x", false, false)))
                    .build())
        .hasMessageContaining("'x'");
  }

  @Test
  @Verifies("FR-CLOUD-005")
  void aWarningShowsTheCitationsFirstUrl() {
    assertThat(CloudPrices.firstUrl("https://a.example/p")).isEqualTo("https://a.example/p");
    assertThat(
            CloudPrices.firstUrl(
                "read 2026-11-09 at https://a.example/p, as transcribed in https://b.example"))
        .isEqualTo("https://a.example/p, …");
    assertThat(CloudPrices.firstUrl("a printed price list")).isEqualTo("a printed price list");
  }
}
