package io.hwledger.cloud.runpod;

import io.hwledger.cloud.Offer;
import io.hwledger.cloud.PriceSource;
import io.hwledger.cloud.PriceSourceException;
import io.hwledger.cloud.Snapshot;
import io.hwledger.cloud.SourceContext;
import io.hwledger.cloud.internal.GpuNames;
import io.hwledger.cloud.internal.OfferJson;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RunPod's GPU types: for each, an offer per cloud (Secure, Community), market (on-demand, spot)
 * and GPU count (1, 2, 4, 8, up to what that cloud allows) that has a price and stock, priced per
 * instance-hour as the GPU count times RunPod's per-GPU price.
 *
 * <p>One GraphQL query ({@code POST /graphql}) reads every type. gpuhunt's catalog ({@code
 * providers/runpod.py}) sends no key; a key from {@code RUNPOD_API_KEY} is sent as {@code
 * Authorization: Bearer} when one is set. Thread-safe; the constructor does nothing.
 */
public final class RunPodSource implements PriceSource {
  /** The source id. */
  static final String ID = "runpod";

  static final String GRAPHQL_PATH = "/graphql";

  /** A source; it reads nothing until {@link #fetch} or {@link #snapshot()}. */
  public RunPodSource() {}

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String displayName() {
    return "RunPod";
  }

  @Override
  public URI defaultBaseUri() {
    return URI.create("https://api.runpod.io");
  }

  @Override
  public Optional<String> apiKeyVariable() {
    return Optional.of("RUNPOD_API_KEY");
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
   * Sends the GPU-type query once and maps its answer.
   *
   * @param context where and how to send requests
   * @return the offers with a price and stock
   * @throws PriceSourceException when the request fails, the answer holds GraphQL {@code errors},
   *     or it is malformed
   */
  @Override
  public List<Offer> fetch(SourceContext context) throws PriceSourceException {
    URI uri = context.baseUri().resolve(GRAPHQL_PATH);
    Map<String, String> headers = context.bearerHeaders();
    String body = context.postJson(uri, RunPodQuery.requestBody(), headers);
    return new RunPodOffers(Tables.NAMES, context.now(), uri.toString()).map(body);
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
