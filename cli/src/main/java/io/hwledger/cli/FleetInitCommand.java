package io.hwledger.cli;

import io.hwledger.api.Printable;
import io.hwledger.fleet.pki.Certificates;
import io.hwledger.fleet.pki.FleetCa;
import io.hwledger.fleet.server.FleetHome;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger fleet init}: creates a fleet directory ({@link FleetHome}) — the CA, the server's
 * certificate and the first operator credential — all at once or not at all: it is written into a
 * hidden directory beside DIR and renamed to DIR when complete.
 */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Creates a fleet in DIR: its CA (ECDSA P-256, the key encrypted under the passphrase), the"
          + " server's TLS certificate, an operator credential in DIR/admin and an empty ledger.",
      "DIR must not exist or be empty. The server certificate names the --url's host, each --dns"
          + " and --ip, and, when neither is given, localhost and 127.0.0.1."
    })
final class FleetInitCommand implements Callable<Integer> {
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
              + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /** The staging directory's name before its random part: hidden, and clearly ours. */
  private static final String STAGING_PREFIX = ".hwledger-fleet-init-";

  private final FleetContext context;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The new fleet directory.")
  Path dir;

  @Option(
      names = "--fleet-id",
      paramLabel = "ID",
      required = true,
      description =
          "The fleet's name in certificates (spiffe://ID/agent/…): 1 to 63 lower-case letters,"
              + " digits, '.' or '-', e.g. gpu.example.")
  String fleetId;

  @Option(
      names = "--url",
      paramLabel = "URL",
      required = true,
      description = "The server's URL as agents and operators dial it, https://HOST:PORT.")
  String url;

  @Option(
      names = "--dns",
      paramLabel = "NAME",
      description = "Another DNS name for the server's certificate; repeatable.")
  List<String> dnsNames = new ArrayList<>();

  @Option(
      names = "--ip",
      paramLabel = "ADDR",
      description = "Another IP address for the server's certificate; repeatable.")
  List<String> addresses = new ArrayList<>();

  @Mixin FleetPassphrase passphrase = new FleetPassphrase();

  FleetInitCommand(FleetContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    URI serverUrl = httpsUrl(spec.commandLine(), "--url", url);
    Set<String> dns = new LinkedHashSet<>();
    Set<InetAddress> ips = new LinkedHashSet<>();
    String host = serverUrl.getHost();
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    Optional<InetAddress> hostIp = ipLiteral(bare);
    if (hostIp.isPresent()) {
      ips.add(hostIp.get());
    } else {
      dns.add(bare);
    }
    for (String name : dnsNames) {
      dns.add(name);
    }
    for (String text : addresses) {
      ips.add(
          ipLiteral(text)
              .orElseThrow(
                  () ->
                      Usage.error(
                          spec.commandLine(),
                          "--ip: " + Usage.quote(text) + " is not an IPv4 or IPv6 address")));
    }
    if (dnsNames.isEmpty() && addresses.isEmpty()) {
      dns.add("localhost");
      ips.add(InetAddress.getLoopbackAddress());
    }
    checkTarget();
    char[] secret = passphrase.read(spec.commandLine(), context);
    try {
      create(serverUrl, List.copyOf(dns), List.copyOf(ips), secret);
    } finally {
      Arrays.fill(secret, '\0');
    }
    report(serverUrl, dns, ips);
    return ErrorHandler.ExitCodes.OK;
  }

  /** DIR must be new or an empty directory; a fleet is never overwritten. */
  private void checkTarget() {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Usage.directory(spec.commandLine(), "DIR", dir);
    if (Files.exists(dir.resolve("ca").resolve(FleetCa.CERTIFICATE_FILE))) {
      throw Usage.error(
          spec.commandLine(),
          "DIR: "
              + Usage.quote(dir.toString())
              + " already holds a fleet; a fleet is never overwritten");
    }
    try (Stream<Path> entries = Files.list(dir)) {
      if (entries.findAny().isPresent()) {
        throw new RequestFailedException(
            dir + " is not empty and holds no fleet; not creating a fleet there");
      }
    } catch (IOException e) {
      throw new RequestFailedException("cannot read directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Writes the fleet beside DIR and renames it into place, so a failure leaves nothing behind. */
  private void create(URI serverUrl, List<String> dns, List<InetAddress> ips, char[] secret) {
    Path absolute = dir.toAbsolutePath().normalize();
    Path parent = absolute.getParent();
    if (parent == null) {
      throw new RequestFailedException("cannot create a fleet at " + dir);
    }
    Path staging;
    try {
      Files.createDirectories(parent);
      staging = Files.createTempDirectory(parent, STAGING_PREFIX);
    } catch (IOException e) {
      throw new RequestFailedException(
          "cannot create a fleet beside " + dir + ": " + FleetCommand.describe(e), e);
    }
    boolean moved = false;
    try {
      try {
        FleetHome.init(
            staging,
            fleetId,
            secret,
            serverUrl,
            dns,
            ips,
            context.clock().instant(),
            new SecureRandom());
      } catch (IllegalArgumentException e) {
        throw Usage.error(spec.commandLine(), e); // the fleet id or a certificate name
      }
      try {
        Files.move(staging, absolute, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(staging, absolute);
      }
      moved = true;
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
      throw new RequestFailedException(
          dir + " was created by someone else meanwhile; not creating a fleet there", e);
    } catch (IOException e) {
      throw new RequestFailedException(
          "cannot create the fleet in " + dir + ": " + FleetCommand.describe(e), e);
    } finally {
      if (!moved) {
        deleteTree(staging);
      }
    }
  }

  private void report(URI serverUrl, Set<String> dns, Set<InetAddress> ips) throws IOException {
    FleetHome home = FleetHome.at(dir);
    String pin = FleetCa.pinOf(Certificates.read(home.adminDir().resolve("ca.crt")).get(0));
    List<String> names = new ArrayList<>(dns);
    ips.forEach(ip -> names.add(ip.getHostAddress()));
    PrintStream out = context.io().out();
    out.println("Created fleet " + fleetId + " in " + Printable.escape(dir.toString()));
    TextTable table = new TextTable("ll");
    table.row("CA pin", pin);
    table.row("server URL", serverUrl.toString());
    table.row("certificate", String.join(", ", names));
    table.row("operator", home.adminDir() + " (a credential: keep it private)");
    table.row("ledger", home.ledgerDir().toString());
    table.print(out, "  ");
    out.println("Next:");
    out.println("  hwledger fleet server " + Printable.escape(dir.toString()));
    out.println(
        "  hwledger fleet token create --admin "
            + Printable.escape(home.adminDir().toString())
            + "    (prints a join string for 'hwledger agent join')");
  }

  /**
   * A server URL given as {@code option}: https, a host, an optional port, nothing after it (a
   * trailing {@code /} is dropped).
   *
   * @throws picocli.CommandLine.ParameterException otherwise
   */
  static URI httpsUrl(CommandLine command, String option, String text) {
    String trimmed = text.strip();
    if (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      throw Usage.error(command, option + ": " + Usage.quote(text) + " is not a URL");
    }
    if (!"https".equalsIgnoreCase(uri.getScheme())
        || uri.getHost() == null
        || uri.getRawUserInfo() != null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())) {
      throw Usage.error(
          command,
          option
              + ": "
              + Usage.quote(text)
              + " must be https://HOST:PORT, with nothing after the port");
    }
    return uri;
  }

  /** An IPv4 or IPv6 address written as one; never a name (which would be looked up). */
  static Optional<InetAddress> ipLiteral(String text) {
    boolean v4 = IPV4.matcher(text).matches();
    if (!v4 && !IPV6.matcher(text).matches()) {
      return Optional.empty();
    }
    try {
      // in brackets, a malformed IPv6 address is an error rather than a name to look up
      return Optional.of(InetAddress.getByName(v4 ? text : "[" + text + "]"));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** Deletes the staging directory this command created, deepest entries first. */
  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // best effort: the error that got us here is the one to report
    }
  }
}
