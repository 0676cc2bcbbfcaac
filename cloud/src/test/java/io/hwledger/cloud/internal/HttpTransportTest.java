package io.hwledger.cloud.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.cloud.ApiKey;
import io.hwledger.cloud.PriceSourceException;
import io.hwledger.cloud.RecordedApi;
import io.hwledger.cloud.TestContexts;
import io.hwledger.testsupport.Verifies;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

@Verifies("FR-CLOUD-003")
class HttpTransportTest {
  private static final String KEY = "sk-fake-0123456789abcdef";
  private final List<Duration> waits = new ArrayList<>();

  private HttpTransport transport(RecordedApi api, Optional<ApiKey> key, int attempts) {
    return new HttpTransport(
        HttpClient.newHttpClient(),
        "Acme",
        api.baseUri(),
        key,
        Optional.of("ACME_API_KEY"),
        new RetryPolicy(
            Duration.ofMillis(500), attempts, Duration.ofSeconds(1), Duration.ofSeconds(30), 64),
        waits::add,
        TestContexts.CLOCK);
  }

  @Test
  void retriesA429AfterTheSecondsItAsksAndA503WithDoublingBackoff() throws Exception {
    try (RecordedApi api = new RecordedApi()) {
      api.answer("GET", "/p", 429, Map.of("Retry-After", "7"), "")
          .answer("GET", "/p", 503, Map.of(), "")
          .answer("GET", "/p", 200, Map.of(), "{\"ok\":1}");
      String body = transport(api, Optional.empty(), 4).get(api.baseUri().resolve("/p"), Map.of());
      assertThat(body).isEqualTo("{\"ok\":1}");
      // 7 s as asked; then the second back-off: 1 s doubled = 2 s, less up to half of it
      assertThat(waits).hasSize(2);
      assertThat(waits.get(0)).isEqualTo(Duration.ofSeconds(7));
      assertThat(waits.get(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }
  }

  @Test
  void aRetryAfterDateIsHonouredAndOneBeyondTheLongestWaitFailsAtOnce() throws Exception {
    try (RecordedApi api = new RecordedApi()) {
      // TestContexts.NOW is 2026-12-06T00:00:00Z; the date is 12 s later.
      api.answer("GET", "/d", 429, Map.of("Retry-After", "Sun, 06 Dec 2026 00:00:12 GMT"), "")
          .answer("GET", "/d", 200, Map.of(), "{}");
      transport(api, Optional.empty(), 3).get(api.baseUri().resolve("/d"), Map.of());
      assertThat(waits).containsExactly(Duration.ofSeconds(12));

      api.answer("GET", "/long", 429, Map.of("Retry-After", "3600"), "");
      assertThatThrownBy(
              () ->
                  transport(api, Optional.empty(), 3).get(api.baseUri().resolve("/long"), Map.of()))
          .isInstanceOf(PriceSourceException.class)
          .hasMessage(
              "Acme answered HTTP 429 for "
                  + api.baseUri()
                  + "/long and asks to retry after 3600 s, longer than 30 s");
      assertThat(api.requests().stream().filter(r -> r.path().equals("/long"))).hasSize(1);
    }
  }

  @Test
  void givesUpAfterItsTriesNamingTheLastFailureAndThePathButNotTheQuery() {
    try (RecordedApi api = new RecordedApi()) {
      api.answer("GET", "/q", 502, Map.of(), "");
      assertThatThrownBy(
              () ->
                  transport(api, Optional.empty(), 3)
                      .get(api.baseUri().resolve("/q?token=" + KEY), Map.of()))
          .isInstanceOf(PriceSourceException.class)
          .hasMessage("Acme: HTTP 502 for " + api.baseUri() + "/q after 3 tries")
          .hasMessageNotContaining(KEY);
      assertThat(api.requests()).hasSize(3);
      assertThat(waits).hasSize(2);
    }
  }

  @Test
  void unauthorisedNamesTheVariableAndNeverTheKey() {
    try (RecordedApi api = new RecordedApi()) {
      api.answer("GET", "/k", 401, Map.of(), "{\"error\":\"bad key " + KEY + "\"}");
      assertThatThrownBy(
              () -> transport(api, Optional.empty(), 3).get(api.baseUri().resolve("/k"), Map.of()))
          .hasMessage("Acme requires an API key (HTTP 401): set ACME_API_KEY");
      ApiKey key = ApiKey.of(KEY);
      assertThatThrownBy(
              () ->
                  transport(api, Optional.of(key), 3)
                      .get(api.baseUri().resolve("/k"), Map.of("Authorization", key.bearer())))
          .hasMessage("Acme rejected the API key (HTTP 401); check ACME_API_KEY")
          .hasMessageNotContaining(KEY);
      assertThat(api.requests()).hasSize(2); // a refused key is not retried
      assertThat(key.toString()).isEqualTo("ApiKey[***]").doesNotContain(KEY);
    }
  }

  @Test
  void aTimeOutIsRetriedThenReported() {
    try (RecordedApi api = new RecordedApi()) {
      api.answerSlowly("GET", "/slow", 10_000);
      assertThatThrownBy(
              () ->
                  transport(api, Optional.empty(), 2).get(api.baseUri().resolve("/slow"), Map.of()))
          .isInstanceOf(PriceSourceException.class)
          .hasMessage("Acme: no answer within 0 s for " + api.baseUri() + "/slow after 2 tries");
      assertThat(waits).hasSize(1);
    }
  }

  @Test
  void aBodyOverTheLimitIsRefusedAndOther4xxAreNotRetried() {
    try (RecordedApi api = new RecordedApi()) {
      api.answer("GET", "/big", 200, Map.of(), "x".repeat(65));
      assertThatThrownBy(
              () ->
                  transport(api, Optional.empty(), 3).get(api.baseUri().resolve("/big"), Map.of()))
          .hasMessage("Acme sent more than 64 bytes for " + api.baseUri() + "/big");
      assertThatThrownBy(
              () ->
                  transport(api, Optional.empty(), 3)
                      .postJson(api.baseUri().resolve("/none"), "{}", Map.of()))
          .hasMessage("Acme answered HTTP 404 for " + api.baseUri() + "/none");
      assertThat(api.requests().stream().filter(r -> r.path().equals("/none"))).hasSize(1);
      assertThat(api.requests().get(1).method()).isEqualTo("POST");
      assertThat(api.requests().get(1).header("Content-Type")).isEqualTo("application/json");
    }
  }

  @Test
  void aKeyWithAControlCharacterIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> ApiKey.of("abc\r\nX-Evil: 1"))
        .hasMessage("API key holds a control character");
    assertThatThrownBy(() -> ApiKey.of("  ")).hasMessage("API key is empty");
  }
}
