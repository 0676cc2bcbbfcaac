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
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A fleet server's HTTPS API over one {@link HttpClient} (HTTP/1.1, TLS 1.3, the fleet's CAs only).
 * Responses are read up to {@link #MAX_RESPONSE_BYTES}; every failure is a {@link
 * FleetClientException} with a one-line message. Thread-safe.
 *
 * <p>A client may know several servers of one fleet (ADR 0022): it sends to the one that answered
 * last, and moves on to the next when one does not answer or answers {@code 503}. A follower
 * answers a request that changes something with {@code 307} to the leader; the client repeats it
 * there once, with the same method, body and certificate, and only to an {@code https} URL, whose
 * certificate must still be the fleet's.
 */
public final class FleetClient {
  /** The largest response body read, bytes. */
  public static final int MAX_RESPONSE_BYTES = 16 << 20;

  private static final ObjectMapper JSON = Protocol.json();

  private final List<URI> servers;
  private final AtomicInteger current = new AtomicInteger();
  private final HttpClient http;
  private final Duration timeout;

  private FleetClient(List<URI> servers, SSLContext tls, Duration timeout) {
    Objects.requireNonNull(servers, "servers");
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("servers is empty");
    }
    for (URI s : servers) {
      if (s == null || !"https".equals(s.getScheme()) || s.getHost() == null) {
        throw new IllegalArgumentException("server " + s + " is not an https URL with a host");
      }
    }
    this.servers = List.copyOf(servers);
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
    return of(List.of(server), credential, trusted, timeout);
  }

  /**
   * A client of several servers of one fleet, tried in this order, presenting {@code credential}
   * and trusting exactly {@code trusted}.
   *
   * @param servers the servers' base URLs, {@code https}, at least one
   * @param credential the current client credential, or a supplier of null to present none
   * @param trusted the fleet's CA certificates
   * @param timeout connect and request timeout
   * @return the client
   * @throws IllegalArgumentException if a URL is not {@code https} with a host
   */
  public static FleetClient of(
      List<URI> servers,
      Supplier<Credential> credential,
      List<X509Certificate> trusted,
      Duration timeout) {
    return new FleetClient(servers, TlsContexts.client(credential, trusted), timeout);
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
    return new FleetClient(List.of(server), tls, timeout);
  }

  /**
   * A client of several servers of one fleet, tried in this order, over any TLS context.
   *
   * @param servers the servers' base URLs, {@code https}, at least one
   * @param tls the TLS context
   * @param timeout connect and request timeout
   * @return the client
   * @throws IllegalArgumentException if a URL is not {@code https} with a host
   */
  public static FleetClient of(List<URI> servers, SSLContext tls, Duration timeout) {
    return new FleetClient(servers, tls, timeout);
  }

  /**
   * An operator's client from an admin directory ({@code admin.pem}, {@code ca.crt}, {@code
   * server.url}), as {@code hwledger fleet init} writes it. {@code server.url} may list several
   * servers of the fleet, one per line, tried in that order ({@link #serverUrls}).
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
    return of(serverUrls(adminDir.resolve("server.url")), () -> credential, cas, timeout);
  }

  /**
   * The server URLs a {@code server.url} file lists: one {@code https} URL per line, blank lines
   * skipped.
   *
   * @param file the file
   * @return at least one URL, in the file's order
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file and the line that is not an https URL, or
   *     saying it lists none
   */
  public static List<URI> serverUrls(Path file) throws IOException {
    List<URI> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      URI url;
      try {
        url = new URI(line);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": not a URL", e);
      }
      if (!"https".equals(url.getScheme()) || url.getHost() == null) {
        throw new IllegalArgumentException(
            file + " line " + (i + 1) + ": not an https URL with a host");
      }
      out.add(url);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + ": lists no server URL");
    }
    return out;
  }

  /**
   * The base URL of the server that answered last (the first one before any did).
   *
   * @return the URL
   */
  public URI server() {
    return servers.get(current.get());
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
    byte[] json;
    try {
      json = body == null ? null : JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write the request as JSON", e);
    }
    HttpResponse<InputStream> response =
        exchange(
            path,
            uri -> {
              HttpRequest.Builder b =
                  HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
              if (bearer != null) {
                b.header("Authorization", "Bearer " + bearer);
              }
              if (json != null) {
                b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(json));
              } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
              }
              return b.build();
            });
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
    // no request timeout: the stream lives until it breaks
    HttpResponse<InputStream> response =
        exchange(
            path,
            uri ->
                HttpRequest.newBuilder(uri).header("Accept", "application/x-ndjson").GET().build());
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

  /**
   * Sends the request {@code build} makes for a URL to the server that answered last, then to the
   * others in turn while one does not answer or answers {@code 503}, following one redirect.
   */
  private HttpResponse<InputStream> exchange(String path, Function<URI, HttpRequest> build) {
    int first = current.get();
    FleetClientException last = null;
    for (int i = 0; i < servers.size(); i++) {
      int index = (first + i) % servers.size();
      URI base = servers.get(index);
      HttpResponse<InputStream> response;
      try {
        response = followOnce(send(build.apply(base.resolve(path))), build);
      } catch (FleetClientException e) {
        if (e.status() != 0 || Thread.currentThread().isInterrupted()) {
          throw e;
        }
        last = e;
        continue;
      }
      if (response.statusCode() == 503 && i + 1 < servers.size()) {
        discard(response);
        continue;
      }
      current.set(index);
      return response;
    }
    throw Objects.requireNonNull(last, "no server was tried");
  }

  /** Repeats a request answered {@code 307} or {@code 308} at its {@code https} location, once. */
  private HttpResponse<InputStream> followOnce(
      HttpResponse<InputStream> response, Function<URI, HttpRequest> build) {
    int status = response.statusCode();
    if (status != 307 && status != 308) {
      return response;
    }
    URI location =
        response
            .headers()
            .firstValue("Location")
            .map(l -> resolve(response.request().uri(), l))
            .orElse(null);
    if (location == null || !"https".equals(location.getScheme())) {
      return response; // the caller reports the status and the server's message
    }
    discard(response);
    return send(build.apply(location));
  }

  private static @Nullable URI resolve(URI from, String location) {
    try {
      return from.resolve(location);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private HttpResponse<InputStream> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new FleetClientException(
          0,
          request.method()
              + " "
              + request.uri().getPath()
              + ": no answer from "
              + request.uri().getScheme()
              + "://"
              + request.uri().getRawAuthority()
              + " ("
              + oneLine(e)
              + ")",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FleetClientException(0, "interrupted", e);
    }
  }

  private static void discard(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      in.readNBytes(64 * 1024);
    } catch (IOException e) {
      // the connection is dropped; nothing to report
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
