package io.hwledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.fleet.client.FleetClient;
import io.hwledger.fleet.client.FleetClientException;
import io.hwledger.fleet.protocol.Protocol;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * The fleet server's admin API ({@code /v1/admin/…}) as the operator commands call it: every
 * refusal or failure becomes a {@link RequestFailedException} with the server's one-line message
 * (exit 1). Ids that go into a path are checked first, so no argument can name another endpoint.
 */
final class AdminApi {
  /** A job id or another path segment the server's routes accept. */
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final FleetClient client;

  AdminApi(FleetClient client) {
    this.client = client;
  }

  /** The server's base URL. */
  URI server() {
    return client.server();
  }

  /** {@code GET /v1/admin/<what>}. */
  JsonNode get(String what) {
    return send("GET", what, null, JsonNode.class);
  }

  /** {@code POST /v1/admin/<what>} with {@code body} as JSON (none when null). */
  JsonNode post(String what, Object body) {
    return send("POST", what, body, JsonNode.class);
  }

  /** {@code DELETE /v1/admin/<what>}. */
  JsonNode delete(String what) {
    return send("DELETE", what, null, JsonNode.class);
  }

  /**
   * Sends a request to {@code /v1/admin/<what>} and reads the answer as {@code type}.
   *
   * @throws RequestFailedException with the server's message when it refuses or does not answer
   */
  <T> T send(String method, String what, Object body, Class<T> type) {
    T answer;
    try {
      answer = client.send(method, Protocol.ADMIN + what, body, null, type);
    } catch (FleetClientException e) {
      if (e.status() == 0 && e.getCause() != null) {
        throw new RequestFailedException(
            method
                + " "
                + Protocol.ADMIN
                + what
                + ": no answer from "
                + client.server()
                + " ("
                + why(e.getCause())
                + ")",
            e);
      }
      throw new RequestFailedException(e.getMessage(), e);
    }
    // The client hands back every 409 (a refused job); one that carries an error is a refusal.
    if (answer instanceof JsonNode node && node.path("error").isTextual()) {
      throw new RequestFailedException(
          method + " " + Protocol.ADMIN + what + ": " + node.path("error").asText());
    }
    return answer;
  }

  /**
   * Why no answer came, in words: the JDK's client often wraps a cause without a message (a refused
   * connection reads {@code null}).
   */
  private static String why(Throwable failure) {
    String message = null;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException) {
        return "connection refused; is 'hwledger fleet server' running there?";
      }
      if (t instanceof HttpTimeoutException) {
        return "no response within " + FleetAdminOption.TIMEOUT.toSeconds() + " s";
      }
      if (t instanceof InterruptedException) {
        return "interrupted";
      }
      if (t instanceof SSLException) {
        return "TLS failed: "
            + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
      }
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
    }
    return message == null ? failure.getClass().getSimpleName() : message;
  }

  /** Whether {@code id} can be a path segment of the admin API. */
  static boolean isSegment(String id) {
    return SEGMENT.matcher(id).matches();
  }
}
