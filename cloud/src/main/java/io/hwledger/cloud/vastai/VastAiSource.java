package io.hwledger.cloud.vastai;

import io.hwledger.cloud.Offer;
import io.hwledger.cloud.PriceSource;
import io.hwledger.cloud.PriceSourceException;
import io.hwledger.cloud.Snapshot;
import io.hwledger.cloud.SourceContext;
import io.hwledger.cloud.internal.GpuNames;
import io.hwledger.cloud.internal.OfferJson;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Vast.ai's marketplace: every rentable offer of its offer search, on demand and interruptible,
 * each at its own price per instance-hour (never a median of similar offers, the catalog bug of
 * SkyPilot #4904).
 *
 * <p>The search answers without a key (gpuhunt's catalog, {@code providers/vastai.py}, sends none);
 * Vast's API reference shows {@code Authorization: Bearer}, so a key from {@code VAST_API_KEY} is
 * sent when one is set. Thread-safe; the constructor does nothing.
 */
public final class VastAiSource implements PriceSource {
  /** The source id. */
  static final String ID = "vastai";

  static final String SEARCH_PATH = "/api/v0/bundles/";

  /** A source; it reads nothing until {@link #fetch} or {@link #snapshot()}. */
  public VastAiSource() {}

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String displayName() {
    return "Vast.ai";
  }

  @Override
  public URI defaultBaseUri() {
    return URI.create("https://console.vast.ai");
  }

  @Override
  public Optional<String> apiKeyVariable() {
    return Optional.of("VAST_API_KEY");
  }

  @Override
  public boolean requiresApiKey() {
    return false;
  }

  @Override
  public boolean hasLiveApi() {
    return true;
  }

  /**
   * Runs the offer search twice, on-demand and bid, and maps every offer of both.
   *
   * @param context where and how to send requests
   * @return one on-demand and one spot offer per listed machine offer, each at its own price
   * @throws PriceSourceException when a search fails or its answer is malformed
   */
  @Override
  public List<Offer> fetch(SourceContext context) throws PriceSourceException {
    URI uri = context.baseUri().resolve(SEARCH_PATH);
    Map<String, String> headers = context.bearerHeaders();
    VastOffers mapper = new VastOffers(Tables.NAMES, context.now(), uri.toString());
    List<Offer> offers = new ArrayList<>();
    for (VastSearch search : VastSearch.values()) {
      offers.addAll(mapper.map(context.postJson(uri, search.requestBody(), headers), search));
    }
    return offers;
  }

  @Override
  public Snapshot snapshot() {
    return Tables.SNAPSHOT;
  }

  /** The resources, read on first use. */
  private static final class Tables {
    static final GpuNames NAMES = GpuNames.of(ID);
    static final Snapshot SNAPSHOT = OfferJson.snapshot(ID);
  }
}
