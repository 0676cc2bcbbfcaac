package io.hwledger.fleet.protocol;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code hwledger fleet token create} prints and {@code hwledger agent join} takes: the
 * server's URL, the pin of the fleet CA the agent must see before it sends anything, and the join
 * token. Written {@code <https url>#<pin>#<token>}, one word a shell passes as it is, e.g. {@code
 * https://10.0.0.5:8443#sha256:3407…ee41#0f3a…9c.Qm9v…}.
 *
 * @param server the server's base URL, {@code https} with a host and no path, query or fragment
 * @param caPin {@code sha256:} and 64 lower-case hex digits (the CA's SubjectPublicKeyInfo)
 * @param token the join token, {@code <32 hex>.<43 base64url>}; a secret, never printed by {@link
 *     #toString()}
 */
public record JoinString(URI server, String caPin, String token) {
  private static final Pattern PIN = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern TOKEN = Pattern.compile("[0-9a-f]{32}\\.[A-Za-z0-9_-]{43}");
  private static final Pattern WHOLE = Pattern.compile("(https://[^#\\s]+)#([^#\\s]+)#([^#\\s]+)");

  /**
   * Validates.
   *
   * @param server the server's {@code https} URL
   * @param caPin the CA pin
   * @param token the join token
   * @throws IllegalArgumentException naming the part that is malformed, never echoing the token
   */
  public JoinString {
    Objects.requireNonNull(server, "server");
    if (!"https".equals(server.getScheme())
        || server.getHost() == null
        || server.getRawQuery() != null
        || server.getRawFragment() != null
        || server.getRawUserInfo() != null
        || !(server.getRawPath() == null || server.getRawPath().isEmpty())) {
      throw new IllegalArgumentException(
          "join string: the server must be an https URL with a host and nothing after the port");
    }
    if (caPin == null || !PIN.matcher(caPin).matches()) {
      throw new IllegalArgumentException(
          "join string: the CA pin must be sha256: and 64 lower-case hex digits");
    }
    if (token == null || !TOKEN.matcher(token).matches()) {
      throw new IllegalArgumentException(
          "join string: the token must be 32 hex digits, '.', and 43 base64url characters");
    }
  }

  /**
   * Reads a join string.
   *
   * @param text {@code <https url>#<pin>#<token>}
   * @return the join string
   * @throws IllegalArgumentException naming the part that is malformed, never echoing the token
   */
  public static JoinString parse(String text) {
    Matcher m = WHOLE.matcher(Objects.requireNonNull(text, "text").strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a join string: expected <https url>#sha256:<pin>#<token> as 'hwledger fleet token"
              + " create' prints it");
    }
    URI server;
    try {
      server = new URI(m.group(1));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("join string: the server URL is malformed", e);
    }
    return new JoinString(server, m.group(2), m.group(3));
  }

  /**
   * The printable form, secret included: for the operator's terminal only.
   *
   * @return {@code <server>#<pin>#<token>}
   */
  public String format() {
    return server + "#" + caPin + "#" + token;
  }

  @Override
  public String toString() {
    return "JoinString[" + server + ", " + caPin + ", token " + token.substring(0, 32) + ".…]";
  }
}
