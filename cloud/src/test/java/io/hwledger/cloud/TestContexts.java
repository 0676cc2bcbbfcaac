package io.hwledger.cloud;

import io.hwledger.cloud.internal.HttpTransport;
import io.hwledger.cloud.internal.RetryPolicy;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * What provider tests need: a {@link SourceContext} on a {@link RecordedApi}, and a {@link
 * CloudPrices} builder whose waits between retries are recorded instead of slept.
 */
public final class TestContexts {
  /** The instant tests stamp offers with: 2026-12-06T00:00:00Z. */
  public static final Instant NOW = Instant.parse("2026-12-06T00:00:00Z");

  /** A clock fixed at {@link #NOW}. */
  public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private TestContexts() {}

  /**
   * A context for {@code source} on {@code api}: 2 s per request, 3 tries, waits recorded in {@code
   * waits} (not slept).
   *
   * @param source the source under test
   * @param api the recorded API
   * @param key the key, if any
   * @param waits receives each wait between tries
   * @return the context
   */
  public static SourceContext on(
      PriceSource source, RecordedApi api, Optional<ApiKey> key, List<Duration> waits) {
    return new HttpTransport(
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(),
        source.displayName(),
        api.baseUri(),
        key,
        source.apiKeyVariable(),
        new RetryPolicy(
            Duration.ofSeconds(2), 3, Duration.ofSeconds(1), Duration.ofSeconds(30), 1 << 20),
        d -> waits.add(d),
        CLOCK);
  }

  /**
   * A {@link CloudPrices} builder at {@link #CLOCK} whose waits are recorded in {@code waits}.
   *
   * @param waits receives each wait between tries
   * @return the builder
   */
  public static CloudPrices.Builder prices(List<Duration> waits) {
    return CloudPrices.builder()
        .clock(CLOCK)
        .retries(Duration.ofSeconds(2), 3, Duration.ofSeconds(30))
        .sleeper(d -> waits.add(d));
  }
}
