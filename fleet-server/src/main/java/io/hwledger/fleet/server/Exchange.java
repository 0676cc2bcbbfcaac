package io.hwledger.fleet.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.hwledger.fleet.protocol.Protocol;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** One request and its response: bounded JSON bodies in, JSON out, one-line errors. */
final class Exchange {
  static final ObjectMapper JSON = Protocol.json();
  private static final long BODY_TIMEOUT_SECONDS = 30;

  final Request request;
  final Response response;
  final Callback callback;

  Exchange(Request request, Response response, Callback callback) {
    this.request = request;
    this.response = response;
    this.callback = callback;
  }

  /** A refusal the client gets as {@code {"v":1,"error":"..."}} with an HTTP status. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /** The body as {@code type}: at most {@link Protocol#MAX_BODY_BYTES}, strict JSON, valid. */
  <T> T body(Class<T> type) {
    long declared = request.getLength();
    if (declared > Protocol.MAX_BODY_BYTES) {
      throw new Refused(
          413,
          "request body of " + declared + " bytes is over the limit of " + Protocol.MAX_BODY_BYTES);
    }
    ByteBuffer bytes;
    try {
      bytes =
          Content.Source.asByteBufferAsync(request, Protocol.MAX_BODY_BYTES)
              .get(BODY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new Refused(
          413,
          "request body is over the limit of " + Protocol.MAX_BODY_BYTES + " bytes or was cut off");
    } catch (TimeoutException e) {
      throw new Refused(408, "request body not received within " + BODY_TIMEOUT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refused(503, "server shutting down");
    }
    byte[] array = new byte[bytes.remaining()];
    bytes.get(array);
    try {
      T value = JSON.readValue(array, type);
      if (value == null) {
        throw new Refused(400, "request body is empty");
      }
      return value;
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause();
      throw new Refused(
          400,
          "malformed "
              + type.getSimpleName()
              + ": "
              + (cause != null ? cause.getMessage() : e.getOriginalMessage()));
    } catch (JsonProcessingException e) {
      throw new Refused(400, "malformed " + type.getSimpleName() + ": " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new Refused(400, "unreadable request body");
    }
  }

  void json(int status, Object value) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a response", e);
    }
    send(status, "application/json", bytes);
  }

  void text(int status, String contentType, String text) {
    send(status, contentType, text.getBytes(StandardCharsets.UTF_8));
  }

  void error(int status, String message) {
    var node = JSON.createObjectNode();
    node.put("v", Protocol.VERSION);
    node.put("error", message);
    json(status, node);
  }

  private void send(int status, String contentType, byte[] bytes) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }
}
