package io.hwledger.cloud;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A provider's API on loopback, answering recorded bodies: each {@code METHOD path} has a queue of
 * answers (status, headers, body), the last one repeated; every request is kept for assertions. A
 * path with no answer gets 404. For tests only.
 */
public final class RecordedApi implements AutoCloseable {
  /** One answer. */
  public record Answer(int status, Map<String, String> headers, String body, long delayMillis) {
    /** Validates. */
    public Answer {
      headers = Map.copyOf(headers);
      Objects.requireNonNull(body, "body");
    }
  }

  /** One request as received. */
  public record Request(
      String method, String path, String query, Map<String, String> headers, String body) {
    /**
     * A header, by case-insensitive name.
     *
     * @param name the name
     * @return its value, or null
     */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final HttpServer server;
  private final Map<String, Deque<Answer>> answers = new HashMap<>();
  private final List<Request> requests = new ArrayList<>();
  private final CountDownLatch released = new CountDownLatch(1);

  /** Starts on an ephemeral loopback port. */
  public RecordedApi() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * The base URI, {@code http://127.0.0.1:PORT}.
   *
   * @return the URI
   */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * Queues an answer.
   *
   * @param method GET or POST
   * @param path the path, without query
   * @param status the status
   * @param headers response headers
   * @param body the body
   * @return this
   */
  public synchronized RecordedApi answer(
      String method, String path, int status, Map<String, String> headers, String body) {
    answers
        .computeIfAbsent(method + " " + path, k -> new ArrayDeque<>())
        .add(new Answer(status, headers, body, 0));
    return this;
  }

  /**
   * Queues a 200 with a JSON body read from a test resource.
   *
   * @param method GET or POST
   * @param path the path
   * @param resource a class-path resource, e.g. {@code /io/hwledger/cloud/vastai/bundles.json}
   * @return this
   */
  public RecordedApi answerResource(String method, String path, String resource) {
    return answer(
        method, path, 200, Map.of("Content-Type", "application/json"), resource(resource));
  }

  /**
   * Queues an answer that comes only after {@code delayMillis} (or when the server closes), to
   * provoke a client time-out.
   *
   * @param method GET or POST
   * @param path the path
   * @param delayMillis the delay
   * @return this
   */
  public synchronized RecordedApi answerSlowly(String method, String path, long delayMillis) {
    answers
        .computeIfAbsent(method + " " + path, k -> new ArrayDeque<>())
        .add(new Answer(200, Map.of(), "{}", delayMillis));
    return this;
  }

  /**
   * A test resource's text.
   *
   * @param resource the class-path name
   * @return its UTF-8 text
   */
  public static String resource(String resource) {
    try (InputStream in = RecordedApi.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The requests received so far.
   *
   * @return a copy, in arrival order
   */
  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> headers = new HashMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      URI uri = exchange.getRequestURI();
      Answer answer;
      synchronized (this) {
        requests.add(
            new Request(
                exchange.getRequestMethod(),
                uri.getPath(),
                uri.getRawQuery() == null ? "" : uri.getRawQuery(),
                Map.copyOf(headers),
                body));
        Deque<Answer> queue = answers.get(exchange.getRequestMethod() + " " + uri.getPath());
        if (queue == null || queue.isEmpty()) {
          answer = new Answer(404, Map.of(), "{\"error\":\"not found\"}", 0);
        } else {
          answer = queue.size() > 1 ? queue.poll() : queue.peek();
        }
      }
      if (answer.delayMillis() > 0) {
        try {
          released.await(answer.delayMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
    } finally {
      exchange.close();
    }
  }

  /** Stops the server, releasing slow answers. */
  @Override
  public void close() {
    released.countDown();
    server.stop(0);
  }
}
