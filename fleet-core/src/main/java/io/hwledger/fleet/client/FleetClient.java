package io.hwledger.fleet.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.fleet.pki.Certificates;
import io.hwledger.fleet.pki.Credential;
import io.hwledger.fleet.pki.TlsContexts;
import io.hwledger.fleet.protocol.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A fleet server's HTTPS API over one {@link HttpClient} (HTTP/1.1, TLS 1.3, the fleet's CAs only).
 * Responses are read up to {@link #MAX_RESPONSE_BYTES}; every failure is a {@link
 * FleetClientException} with a one-line message. Thread-safe.
 */
public final class FleetClient {
  /** The largest response body read, bytes. */
  public static final int MAX_RESPONSE_BYTES = 16 << 20;

  private static final ObjectMapper JSON = Protocol.json();

  private final URI server;
  private final HttpClient http;
  private final Duration timeout;

  private FleetClient(URI server, SSLContext tls, Duration timeout) {
    this.server = Objects.requireNonNull(server, "server");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(tls)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * A client presenting {@code credential} (read again at each handshake, so a renewed certificate
   * takes effect without a new client) and trusting exactly {@code trusted}.
   *
   * @param server the server's base URL
   * @param credential the current client credential, or a supplier of null to present none
   * @param trusted the fleet's CA certificates
   * @param timeout connect and request timeout
   * @return the client
   */
  public static FleetClient of(
      URI server,
      Supplier<Credential> credential,
      List<X509Certificate> trusted,
      Duration timeout) {
    return new FleetClient(server, TlsContexts.client(credential, trusted), timeout);
  }

  /**
   * A client over any TLS context, e.g. {@link TlsContexts#pinned} for enrollment.
   *
   * @param server the server's base URL
   * @param tls the TLS context
   * @param timeout connect and request timeout
   * @return the client
   */
  public static FleetClient of(URI server, SSLContext tls, Duration timeout) {
    return new FleetClient(server, tls, timeout);
  }

  /**
   * An operator's client from an admin directory ({@code admin.pem}, {@code ca.crt}, {@code
   * server.url}), as {@code hwledger fleet init} writes it.
   *
   * @param adminDir the directory
   * @param timeout connect and request timeout
   * @return the client
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException naming a file that is not what it should be
   */
  public static FleetClient admin(Path adminDir, Duration timeout) throws IOException {
    Credential credential = Credential.load(adminDir, "admin");
    List<X509Certificate> cas = Certificates.read(adminDir.resolve("ca.crt"));
    Path urlFile = adminDir.resolve("server.url");
    String url = Files.readString(urlFile, StandardCharsets.US_ASCII).strip();
    URI server;
    try {
      server = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(urlFile + ": not a URL", e);
    }
    return of(server, () -> credential, cas, timeout);
  }

  /**
   * The server's base URL.
   *
   * @return the URL
   */
  public URI server() {
    return server;
  }

  /**
   * Sends a JSON request and reads a JSON answer.
   *
   * @param method {@code GET}, {@code POST}, {@code PUT} or {@code DELETE}
   * @param path the path, e.g. {@code /v1/admin/jobs}
   * @param body the body to send as JSON, or null for none
   * @param bearer a bearer credential (a join token), or null
   * @param type what to read the answer as ({@link JsonNode} for any)
   * @param <T> the answer's type
   * @return the answer
   * @throws FleetClientException if the server refused (its error message) or did not answer
   */
  public <T> T send(
      String method, String path, @Nullable Object body, @Nullable String bearer, Class<T> type) {
    HttpRequest.Builder b = request(path).header("Accept", "application/json");
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    if (body != null) {
      try {
        b.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("cannot write the request as JSON", e);
      }
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<InputStream> response = exchange(b.build());
    byte[] bytes;
    try (InputStream in = response.body()) {
      bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
    } catch (IOException e) {
      throw new FleetClientException(
          response.statusCode(),
          method + " " + path + ": the answer was cut off (" + e.getMessage() + ")",
          e);
    }
    if (bytes.length > MAX_RESPONSE_BYTES) {
      throw new FleetClientException(
          response.statusCode(),
          method + " " + path + ": the answer is over " + MAX_RESPONSE_BYTES + " bytes",
          null);
    }
    if (response.statusCode() / 100 != 2 && response.statusCode() != 409) {
      throw new FleetClientException(
          response.statusCode(),
          method + " " + path + ": " + response.statusCode() + " " + errorOf(bytes),
          null);
    }
    try {
      return JSON.readValue(bytes, type);
    } catch (IOException e) {
      throw new FleetClientException(
          response.statusCode(), method + " " + path + ": the answer is not the expected JSON", e);
    }
  }

  /**
   * Opens a streaming {@code GET} (an agent's watch stream); the caller reads and closes it.
   *
   * @param path the path
   * @return the response body, newline-delimited JSON
   * @throws FleetClientException if the server refused or did not answer
   */
  public InputStream stream(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(server.resolve(path))
            .header("Accept", "application/x-ndjson")
            .GET()
            .build(); // no request timeout: the stream lives until it breaks
    HttpResponse<InputStream> response = exchange(request);
    if (response.statusCode() != 200) {
      String error;
      try (InputStream in = response.body()) {
        error = errorOf(in.readNBytes(64 * 1024));
      } catch (IOException e) {
        error = "(unreadable)";
      }
      throw new FleetClientException(
          response.statusCode(), "GET " + path + ": " + response.statusCode() + " " + error, null);
    }
    return response.body();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(server.resolve(path)).timeout(timeout);
  }

  private HttpResponse<InputStream> exchange(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new FleetClientException(
          0,
          request.method()
              + " "
              + request.uri().getPath()
              + ": no answer from "
              + server
              + " ("
              + oneLine(e)
              + ")",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FleetClientException(0, "interrupted", e);
    }
  }

  private static String errorOf(byte[] body) {
    try {
      JsonNode n = JSON.readTree(body);
      if (n != null && n.path("error").isTextual()) {
        return n.path("error").asText();
      }
    } catch (IOException e) {
      // not our JSON: fall through
    }
    return "(no error message)";
  }

  private static String oneLine(Throwable e) {
    Throwable t = e;
    String message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
    return message.replaceAll("\\s+", " ");
  }
}
