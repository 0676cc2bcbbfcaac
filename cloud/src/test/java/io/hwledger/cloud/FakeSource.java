package io.hwledger.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.cloud.internal.Json;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A source for tests of {@link CloudPrices}: {@code GET /offers} answers {@code {"offers": [{"sku",
 * "usd"}]}}, each an on-demand single H100 SXM; its snapshot is one offer of 2026-11-01.
 */
class FakeSource implements PriceSource {
  private final String id;
  private final boolean needsKey;
  private final boolean live;

  FakeSource(String id, boolean needsKey, boolean live) {
    this.id = id;
    this.needsKey = needsKey;
    this.live = live;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String displayName() {
    return "Fake " + id;
  }

  @Override
  public URI defaultBaseUri() {
    return URI.create("https://fake.invalid");
  }

  @Override
  public Optional<String> apiKeyVariable() {
    return Optional.of("FAKE_API_KEY");
  }

  @Override
  public boolean requiresApiKey() {
    return needsKey;
  }

  @Override
  public boolean hasLiveApi() {
    return live;
  }

  @Override
  public List<Offer> fetch(SourceContext context) throws PriceSourceException {
    Map<String, String> headers =
        context.apiKey().map(k -> Map.of("Authorization", k.bearer())).orElse(Map.of());
    String body = context.get(context.baseUri().resolve("/offers"), headers);
    Json json = new Json(displayName());
    JsonNode root = json.object(body, "the offers");
    List<Offer> offers = new ArrayList<>();
    for (JsonNode n : json.array(root, "offers", "the answer")) {
      String sku = json.text(n, "sku", "an offer");
      offers.add(offer(sku, json.number(n, "usd", "offer " + sku), context.now(), "live"));
    }
    return offers;
  }

  Offer offer(String sku, double usd, Instant at, String source) {
    return new Offer(
        id,
        sku,
        "H100 SXM",
        "h100-sxm-80gb",
        1,
        80L << 30,
        usd,
        Market.ON_DEMAND,
        Tier.SECURE,
        null,
        null,
        Availability.AVAILABLE,
        at,
        source);
  }

  @Override
  public Snapshot snapshot() {
    LocalDate day = LocalDate.of(2026, 11, 1);
    return new Snapshot(
        id,
        day,
        "https://fake.invalid/pricing",
        List.of(offer("snap", 2.5, day.atStartOfDay(ZoneOffset.UTC).toInstant(), "snapshot")));
  }
}
