package io.hwledger.cloud;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * A provider of cloud GPU prices, found by {@link java.util.ServiceLoader}: the built-in Vast.ai,
 * RunPod, Lambda and Modal sources, and any third party's listed in {@code
 * META-INF/services/io.hwledger.cloud.PriceSource} (or {@code provides} in a module).
 *
 * <p>An implementation has a public no-argument constructor without side effects, is thread-safe,
 * and does no I/O except through the {@link SourceContext} it is given. {@link CloudPrices} caches
 * what {@link #fetch} returns and falls back to {@link #snapshot()} when a fetch fails, so a source
 * only reads its API and maps the answer to {@link Offer}s.
 */
public interface PriceSource {
  /**
   * The source's id: lower-case letters and digits, e.g. {@code vastai}; what {@code --provider}
   * names and {@link Offer#provider()} holds.
   *
   * @return the id
   */
  String id();

  /**
   * The provider's name for people, e.g. {@code Vast.ai}.
   *
   * @return the name
   */
  String displayName();

  /**
   * Where the provider's API lives unless settings override it.
   *
   * @return an absolute URI, e.g. {@code https://console.vast.ai}
   */
  URI defaultBaseUri();

  /**
   * The environment variable the provider's own tools read the API key from, e.g. {@code
   * VAST_API_KEY}.
   *
   * @return its name, or empty for a source that needs no key
   */
  Optional<String> apiKeyVariable();

  /**
   * Whether a live fetch needs an API key; without one {@link CloudPrices} does not call {@link
   * #fetch} and uses the snapshot, saying why.
   *
   * @return true if {@link #fetch} needs {@link SourceContext#apiKey()}
   */
  boolean requiresApiKey();

  /**
   * Whether the source has a live API at all (Modal publishes prices only on a web page, so its
   * source is its dated table).
   *
   * @return false for a source whose only prices are {@link #snapshot()}
   */
  boolean hasLiveApi();

  /**
   * Reads the provider's current offers.
   *
   * @param context where and how to send requests
   * @return every offer the API lists, in no particular order
   * @throws PriceSourceException when the provider cannot be read or its answer is not what its API
   *     documents (one line, naming the provider)
   */
  List<Offer> fetch(SourceContext context) throws PriceSourceException;

  /**
   * The dated offline prices shipped with the source, used when a live fetch is impossible or
   * fails, and labelled with their date.
   *
   * @return the snapshot
   */
  Snapshot snapshot();
}
