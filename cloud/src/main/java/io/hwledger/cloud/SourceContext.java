package io.hwledger.cloud;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link CloudPrices} gives a {@link PriceSource} for one fetch: where to send requests, the
 * API key if one is configured, the time, and an HTTP client that times out, retries 429 and 5xx
 * answers with back-off (honouring {@code Retry-After}), bounds the body's size and turns every
 * failure into a one-line {@link PriceSourceException} that never holds the key.
 */
public interface SourceContext {
  /**
   * The base URI of the provider's API: the source's {@link PriceSource#defaultBaseUri()} unless
   * the settings override it (a proxy, or a test's loopback server).
   *
   * @return an absolute {@code http} or {@code https} URI
   */
  URI baseUri();

  /**
   * The API key configured for this source.
   *
   * @return the key, or empty when none is set
   */
  Optional<ApiKey> apiKey();

  /**
   * The {@code Authorization: Bearer} header of {@link #apiKey()}, as Vast.ai, RunPod and Lambda
   * take it.
   *
   * @return the header, or no header when no key is set; never log it
   */
  default Map<String, String> bearerHeaders() {
    return apiKey().map(k -> Map.of("Authorization", k.bearer())).orElse(Map.of());
  }

  /**
   * Now, by the clock {@link CloudPrices} was built with; what {@link Offer#fetchedAt()} takes.
   *
   * @return the instant
   */
  Instant now();

  /**
   * A {@code GET} whose answer must be 2xx.
   *
   * @param uri the absolute URI, usually {@link #baseUri()} resolved against a path
   * @param headers extra headers (an {@code Authorization} value is never logged)
   * @return the body, as UTF-8 text
   * @throws PriceSourceException on 401/403, other non-2xx answers, 429/5xx after the retries,
   *     time-outs, or a body over the size limit
   */
  String get(URI uri, Map<String, String> headers) throws PriceSourceException;

  /**
   * A {@code POST} of a JSON body whose answer must be 2xx, retried as {@link #get}.
   *
   * @param uri the absolute URI
   * @param json the request body, sent as {@code application/json}
   * @param headers extra headers
   * @return the body, as UTF-8 text
   * @throws PriceSourceException as {@link #get}
   */
  String postJson(URI uri, String json, Map<String, String> headers) throws PriceSourceException;
}
