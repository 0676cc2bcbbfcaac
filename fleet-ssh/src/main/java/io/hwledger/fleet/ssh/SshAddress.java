package io.hwledger.fleet.ssh;

import io.hwledger.api.Printable;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where to log in: {@code user@host[:port]}, as {@code hwledger fleet ssh add} and {@code --jump}
 * take it. Validated so that neither part can be read as an option or reach anything but the SSH
 * client's own connect: the user is a portable POSIX user name, the host a DNS name, an IPv4
 * address or a bracketed IPv6 address.
 *
 * @param user the login name
 * @param host the host name or address, IPv6 without brackets, DNS names in lower case
 * @param port the TCP port, 1 to 65535
 */
public record SshAddress(String user, String host, int port) {

  /** The SSH port when none is given. */
  public static final int DEFAULT_PORT = 22;

  // POSIX portable user names (IEEE Std 1003.1, 3.437), never starting with '-'
  private static final Pattern USER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,31}");
  private static final Pattern LABEL =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  private static final Pattern FORM =
      Pattern.compile("([^@]+)@(\\[[^\\]]*\\]|[^:\\[\\]]+)(?::([0-9]{1,5}))?");

  /**
   * Checks each part.
   *
   * @param user the login name
   * @param host the host name or address (IPv6 without brackets)
   * @param port the TCP port
   * @throws IllegalArgumentException naming the part that is not valid
   */
  public SshAddress {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(host, "host");
    if (!USER.matcher(user).matches()) {
      throw new IllegalArgumentException(
          "not a valid user name: \"" + printable(user) + "\" (letters, digits, '_', '.', '-')");
    }
    if (!validHost(host)) {
      throw new IllegalArgumentException(
          "not a valid host name or address: \"" + printable(host) + "\"");
    }
    host = host.contains(":") ? host : host.toLowerCase(Locale.ROOT);
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be 1 to 65535, was " + port);
    }
  }

  /**
   * Reads {@code user@host}, {@code user@host:port} or {@code user@[v6]:port}.
   *
   * @param text the address
   * @return the address, port {@value #DEFAULT_PORT} when none is given
   * @throws IllegalArgumentException naming what is wrong
   */
  public static SshAddress parse(String text) {
    Objects.requireNonNull(text, "text");
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected user@host[:port], got \"" + printable(text) + "\"");
    }
    String host = m.group(2);
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
      if (!host.contains(":")) {
        throw new IllegalArgumentException(
            "brackets hold an IPv6 address, got \"" + printable(host) + "\"");
      }
    }
    int port = m.group(3) == null ? DEFAULT_PORT : Integer.parseInt(m.group(3));
    return new SshAddress(m.group(1), host, port);
  }

  /**
   * The key of the host's known key.
   *
   * @return {@code host:port}, IPv6 in brackets
   */
  public String hostPort() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** {@code user@host:port}, which {@link #parse} reads back. */
  @Override
  public String toString() {
    return user + "@" + hostPort();
  }

  private static boolean validHost(String host) {
    if (host.contains(":")) {
      return IPV6.matcher(host).matches();
    }
    if (host.isEmpty() || host.length() > 253 || host.endsWith(".")) {
      return false;
    }
    for (String label : host.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** The text escaped and bounded, for an error message. */
  private static String printable(String text) {
    return Printable.escape(text.length() > 80 ? text.substring(0, 80) + "…" : text);
  }
}
