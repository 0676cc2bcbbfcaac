package io.hwledger.cloud.internal;

import io.hwledger.cloud.ApiKey;
import io.hwledger.cloud.PriceSourceException;
import io.hwledger.cloud.SourceContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The {@link SourceContext} of one source: JDK {@link HttpClient} requests that time out, retry
 * 429, 5xx and time-outs with doubling back-off (or the answer's {@code Retry-After}, seconds or an
 * HTTP date), read at most {@link RetryPolicy#maxBodyBytes()}, and fail with one line naming the
 * provider and the URI's path (never its query, never a header).
 */
public final class HttpTransport implements SourceContext {
  private final HttpClient client;
  private final String provider;
  private final URI baseUri;
  private final Optional<ApiKey> apiKey;
  private final Optional<String> keyVariable;
  private final RetryPolicy policy;
  private final Sleeper sleeper;
  private final Clock clock;

  /**
   * A transport.
   *
   * @param client the shared client (its connect time-out applies)
   * @param provider the provider's display name, for messages
   * @param baseUri the API's base URI
   * @param apiKey the key, if configured
   * @param keyVariable the variable a key is read from, named in a 401 message
   * @param policy time-outs and retries
   * @param sleeper how to wait between tries
   * @param clock what {@link #now()} reads
   */
  public HttpTransport(
      HttpClient client,
      String provider,
      URI baseUri,
      Optional<ApiKey> apiKey,
      Optional<String> keyVariable,
      RetryPolicy policy,
      Sleeper sleeper,
      Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.provider = Objects.requireNonNull(provider, "provider");
    this.baseUri = Objects.requireNonNull(baseUri, "baseUri");
    this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    this.keyVariable = Objects.requireNonNull(keyVariable, "keyVariable");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public URI baseUri() {
    return baseUri;
  }

  @Override
  public Optional<ApiKey> apiKey() {
    return apiKey;
  }

  @Override
  public Instant now() {
    return clock.instant();
  }

  @Override
  public String get(URI uri, Map<String, String> headers) throws PriceSourceException {
    return send(uri, headers, null);
  }

  @Override
  public String postJson(URI uri, String json, Map<String, String> headers)
      throws PriceSourceException {
    Objects.requireNonNull(json, "json");
    return send(uri, headers, json);
  }

  private String send(URI uri, Map<String, String> headers, @Nullable String json)
      throws PriceSourceException {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(headers, "headers");
    String scheme = uri.getScheme();
    if (!uri.isAbsolute() || !("https".equals(scheme) || "http".equals(scheme))) {
      throw new IllegalArgumentException("not an absolute http(s) URI: " + where(uri));
    }
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri)
            .timeout(policy.requestTimeout())
            .header("Accept", "application/json")
            .header("User-Agent", "hwledger-cloud");
    headers.forEach(builder::header);
    if (json == null) {
      builder.GET();
    } else {
      builder
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    }
    HttpRequest request = builder.build();
    String lastFailure = "";
    for (int attempt = 1; attempt <= policy.attempts(); attempt++) {
      Duration wait;
      try {
        HttpResponse<InputStream> response =
            client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          return readBounded(response, uri);
        }
        response.body().close();
        if (status == 401 || status == 403) {
          throw new PriceSourceException(refusal(status));
        }
        if (status != 429 && status < 500) {
          throw new PriceSourceException(
              provider + " answered HTTP " + status + " for " + where(uri));
        }
        lastFailure = "HTTP " + status;
        Optional<Duration> asked = retryAfter(response);
        if (asked.isPresent() && asked.get().compareTo(policy.longestWait()) > 0) {
          throw new PriceSourceException(
              provider
                  + " answered HTTP "
                  + status
                  + " for "
                  + where(uri)
                  + " and asks to retry after "
                  + asked.get().toSeconds()
                  + " s, longer than "
                  + policy.longestWait().toSeconds()
                  + " s");
        }
        wait = asked.isPresent() ? asked.get() : backoff(attempt);
      } catch (HttpTimeoutException e) {
        lastFailure = "no answer within " + policy.requestTimeout().toSeconds() + " s";
        wait = backoff(attempt);
      } catch (IOException e) {
        lastFailure = "connection failed (" + e.getClass().getSimpleName() + ")";
        wait = backoff(attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PriceSourceException(provider + ": interrupted while reading " + where(uri), e);
      }
      if (attempt < policy.attempts()) {
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new PriceSourceException(provider + ": interrupted while waiting to retry", e);
        }
      }
    }
    throw new PriceSourceException(
        provider
            + ": "
            + lastFailure
            + " for "
            + where(uri)
            + " after "
            + policy.attempts()
            + (policy.attempts() == 1 ? " try" : " tries"));
  }

  private String refusal(int status) {
    if (apiKey.isEmpty()) {
      return provider
          + " requires an API key (HTTP "
          + status
          + ")"
          + keyVariable.map(v -> ": set " + v).orElse("");
    }
    return provider
        + " rejected the API key (HTTP "
        + status
        + ")"
        + keyVariable.map(v -> "; check " + v).orElse("");
  }

  private String readBounded(HttpResponse<InputStream> response, URI uri)
      throws IOException, PriceSourceException {
    try (InputStream in = response.body()) {
      long limit = policy.maxBodyBytes();
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8L, limit + 1));
      if (body.length > limit) {
        throw new PriceSourceException(
            provider + " sent more than " + limit + " bytes for " + where(uri));
      }
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Doubling from the policy's first back-off, less a random fraction of up to a half. */
  private Duration backoff(int attempt) {
    long full = policy.firstBackoff().toMillis() << Math.min(attempt - 1, 20);
    long capped = Math.min(full, policy.longestWait().toMillis());
    long jitter = ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    return Duration.ofMillis(capped - jitter);
  }

  /**
   * The answer's {@code Retry-After}: delay-seconds or an HTTP date (RFC 9110 §10.2.3); absent,
   * negative or unreadable values give empty.
   */
  private Optional<Duration> retryAfter(HttpResponse<?> response) {
    Optional<String> value = response.headers().firstValue("Retry-After").map(String::strip);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String v = value.get();
    if (v.chars().allMatch(Character::isDigit) && !v.isEmpty() && v.length() < 10) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(clock.instant(), at);
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The URI without its query or fragment: what a message may show. */
  private static String where(URI uri) {
    return (uri.getScheme() == null ? "" : uri.getScheme() + "://")
        + (uri.getRawAuthority() == null ? "" : uri.getRawAuthority())
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }
}
