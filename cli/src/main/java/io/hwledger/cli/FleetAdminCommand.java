package io.hwledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.api.Printable;
import io.hwledger.fleet.client.FleetClient;
import io.hwledger.fleet.pki.AgentKeys;
import io.hwledger.fleet.pki.Certificates;
import io.hwledger.fleet.pki.Credential;
import io.hwledger.fleet.pki.FleetCa;
import io.hwledger.fleet.pki.FleetIdentity;
import io.hwledger.fleet.protocol.OperatorRequest;
import io.hwledger.fleet.protocol.OperatorResponse;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.server.FleetHome;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger fleet admin}: operators' certificates. {@code issue}, {@code list} and {@code
 * revoke} call the admin API; {@code recover} is the CA holder's way back in when no operator
 * credential works, on the server's machine, with the CA key (ADR 0016).
 */
@Command(
    name = "admin",
    mixinStandardHelpOptions = true,
    description =
        "Issues, lists and revokes operators' certificates, and recovers an operator credential"
            + " with the CA key.")
final class FleetAdminCommand implements Callable<Integer> {
  /** The default and the bounds of an operator certificate's lifetime. */
  private static final String DEFAULT_LIFETIME = "90d";

  private static final Duration MIN_LIFETIME = Duration.ofHours(1);

  @Spec CommandSpec spec;

  FleetAdminCommand() {}

  /** The {@code admin} command with its subcommands. */
  static CommandLine commandLine(FleetContext context) {
    CommandLine admin = new CommandLine(new FleetAdminCommand());
    admin.addSubcommand(new Issue(context));
    admin.addSubcommand(new ListOperators(context));
    admin.addSubcommand(new Revoke(context));
    admin.addSubcommand(new Recover(context));
    return admin;
  }

  /** Without a subcommand: a usage error naming the subcommands. */
  @Override
  public Integer call() {
    throw Usage.subcommandRequired(spec);
  }

  /** NAME, checked as the server checks it, so nothing else reaches a path or a certificate. */
  static String name(CommandLine command, String name) {
    try {
      return FleetCa.checkAdminName(name);
    } catch (IllegalArgumentException e) {
      throw Usage.error(command, "NAME: " + ErrorHandler.oneLine(e.getMessage(), e));
    }
  }

  /** {@code --lifetime}: 1 hour to {@link FleetCa#MAX_ADMIN_LIFETIME} (397 days). */
  static Duration lifetime(CommandLine command, String text) {
    Duration lifetime;
    try {
      lifetime = Durations.parse("--lifetime", text, "30d, 90d, 397d");
    } catch (IllegalArgumentException e) {
      throw Usage.error(command, e);
    }
    if (lifetime.compareTo(MIN_LIFETIME) < 0
        || lifetime.compareTo(FleetCa.MAX_ADMIN_LIFETIME) > 0) {
      throw Usage.error(
          command, "--lifetime: " + Usage.quote(text) + " is not between 1 hour and 397 days");
    }
    return lifetime;
  }

  /** {@code serial S, expires T (in D)}, for what issue and recover print. */
  private static String expiry(FleetContext context, String serial, long notAfterMillis) {
    return "serial "
        + serial
        + ", expires "
        + FleetCommand.time(notAfterMillis)
        + " (in "
        // to the nearest minute: a certificate keeps whole seconds and the answer took a moment,
        // so 90 days from the server's "now" is 89d 23h 59m 58s from here
        + Durations.format(
            Duration.ofMinutes(Math.round((notAfterMillis - context.clock().millis()) / 60_000.0)))
        + ")";
  }

  /** {@code hwledger fleet admin issue}. */
  @Command(
      name = "issue",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Issues an operator certificate for NAME. The key is made here and written only to DIR"
            + " (owner-only); the server gets a certificate request signed by it. DIR then holds"
            + " what 'hwledger fleet init' writes to FLEET_DIR/admin: admin.pem, ca.crt and"
            + " server.url; give it to --admin.",
        "Issuing a name again replaces its certificate: the earlier one is refused from then on."
      })
  static final class Issue implements Callable<Integer> {
    private final FleetContext context;

    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "The operator's name: 1 to 63 lower-case letters, digits, '.', '_' or '-'.")
    String name;

    @Option(
        names = "--out",
        paramLabel = "DIR",
        required = true,
        description =
            "The new credential directory; created owner-only if missing, it must not hold a"
                + " credential yet.")
    Path out;

    @Option(
        names = "--lifetime",
        paramLabel = "DURATION",
        defaultValue = DEFAULT_LIFETIME,
        description =
            "How long the certificate is valid: 30d, 90d; 1 hour to 397 days (default:"
                + " ${DEFAULT-VALUE}).")
    String lifetime;

    @Mixin FleetAdminOption admin = new FleetAdminOption();

    Issue(FleetContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      CommandLine command = spec.commandLine();
      String operator = name(command, name);
      Duration valid = lifetime(command, lifetime);
      checkOut(command);
      AdminApi api = admin.connect(command, context);
      List<X509Certificate> cas = trustedCas(admin.resolve(command, context));
      boolean created = createOut();
      boolean written = false;
      try {
        KeyPair keys = AgentKeys.generate(new SecureRandom());
        OperatorResponse answer =
            api.send(
                "POST",
                "operators",
                new OperatorRequest(
                    Protocol.VERSION,
                    operator,
                    Base64.getEncoder().encodeToString(AgentKeys.request(keys)),
                    valid.getSeconds()),
                OperatorResponse.class);
        Credential credential = credential(keys, answer, operator);
        try {
          FleetHome.saveAdmin(out, credential, cas, api.server());
        } catch (IOException e) {
          throw new RequestFailedException(
              "cannot write the credential to " + out + ": " + FleetCommand.describe(e), e);
        }
        written = true;
        context
            .io()
            .out()
            .println(
                "issued operator "
                    + operator
                    + ": "
                    + expiry(context, answer.serial(), answer.notAfterMillis())
                    + "; its credential is in "
                    + Printable.escape(out.toString())
                    + " (keep it private; give it to --admin)");
        return ErrorHandler.ExitCodes.OK;
      } finally {
        if (created && !written) {
          deleteEmpty(out);
        }
      }
    }

    /** --out must be new, or a directory without a credential: one is never overwritten. */
    private void checkOut(CommandLine command) {
      if (!Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      Usage.directory(command, "--out", out);
      if (Files.exists(out.resolve("admin.pem"), LinkOption.NOFOLLOW_LINKS)) {
        throw Usage.error(
            command,
            "--out: "
                + Usage.quote(out.toString())
                + " already holds an operator credential (admin.pem); it is never overwritten");
      }
    }

    /** Creates --out owner-only when it is missing; whether it did. */
    private boolean createOut() {
      if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      try {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        try {
          Files.createDirectory(
              out,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
          Files.createDirectory(out); // not a POSIX file system
        }
        return true;
      } catch (IOException e) {
        throw new RequestFailedException(
            "cannot create " + out + ": " + FleetCommand.describe(e), e);
      }
    }

    /** The caller's trusted CAs, which the new operator dials the same server by. */
    private static List<X509Certificate> trustedCas(Path adminDir) {
      try {
        return Certificates.read(adminDir.resolve("ca.crt"));
      } catch (IOException e) {
        throw new RequestFailedException(
            "cannot read the operator credential in " + adminDir + ": " + FleetCommand.describe(e),
            e);
      }
    }

    /** The key made here with the certificate the server sent, checked to be what was asked. */
    private static Credential credential(KeyPair keys, OperatorResponse answer, String operator) {
      Credential credential;
      try {
        credential = new Credential(keys.getPrivate(), Certificates.parse(answer.certificate()));
      } catch (IllegalArgumentException e) {
        throw new RequestFailedException(
            "the server's answer is not a certificate for the key made here: " + e.getMessage(), e);
      }
      FleetIdentity id = FleetIdentity.of(credential.certificate()).orElse(null);
      if (id == null || id.role() != FleetIdentity.Role.ADMIN || !id.name().equals(operator)) {
        throw new RequestFailedException(
            "the server's certificate does not name operator " + operator + "; nothing written");
      }
      return credential;
    }

    private static void deleteEmpty(Path dir) {
      try {
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        // not empty or not ours to remove: the error that got us here is the one to report
      }
    }
  }

  /** {@code hwledger fleet admin list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description =
          "Lists the operators the server records: name, certificate serial, expiry and whether"
              + " each still works.")
  static final class ListOperators extends FleetViewCommand {
    ListOperators(FleetContext context) {
      super(context);
    }

    @Override
    String view() {
      return "operators";
    }

    @Override
    void print(JsonNode document, PrintStream out) {
      JsonNode operators = document.path("operators");
      if (operators.isEmpty()) {
        out.println(
            "No operators recorded; until one is, every operator certificate of the fleet's CAs"
                + " is accepted ('hwledger fleet admin issue' records one).");
        return;
      }
      long now = context.clock().millis();
      TextTable table = new TextTable("llll");
      table.row("NAME", "SERIAL", "EXPIRES", "STATE");
      for (JsonNode o : operators) {
        long notAfter = o.path("notAfterMillis").asLong();
        String state;
        if (o.path("revoked").asBoolean()) {
          state = "revoked";
        } else if (notAfter <= now) {
          state = "expired";
        } else {
          state = "valid for " + Durations.format(Duration.ofMillis(notAfter - now));
        }
        table.row(
            o.path("name").asText(),
            o.path("serial").asText("-"),
            FleetCommand.time(notAfter),
            state);
      }
      table.print(out, "");
    }
  }

  /** {@code hwledger fleet admin revoke}. */
  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = {
        "Revokes an operator: the server refuses every certificate of NAME from now on, on"
            + " connections already open too. 'hwledger fleet admin issue NAME' makes a new one.",
        "The last active operator cannot be revoked, so the fleet is never locked out."
      })
  static final class Revoke implements Callable<Integer> {
    private final FleetContext context;

    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "The operator's name, as 'hwledger fleet admin list' shows it.")
    String name;

    @Mixin FleetAdminOption admin = new FleetAdminOption();

    Revoke(FleetContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      String operator = name(spec.commandLine(), name);
      admin.connect(spec.commandLine(), context).post("operators/" + operator + "/revoke", null);
      context
          .io()
          .out()
          .println("revoked operator " + operator + ": its certificates are refused from now on");
      return ErrorHandler.ExitCodes.OK;
    }
  }

  /** {@code hwledger fleet admin recover}. */
  @Command(
      name = "recover",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Writes a new operator credential to FLEET_DIR/admin with the CA key, on the server's"
            + " machine, for when no operator credential works any more (lost, expired or"
            + " revoked). The server records it at its next start; restart it.",
        "The credential it replaces in FLEET_DIR/admin, and every earlier certificate of NAME, is"
            + " refused from then on."
      })
  static final class Recover implements Callable<Integer> {
    private final FleetContext context;

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FLEET_DIR", description = "The fleet directory.")
    Path dir;

    @Option(
        names = "--name",
        paramLabel = "NAME",
        defaultValue = "admin",
        description = "The operator's name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(
        names = "--lifetime",
        paramLabel = "DURATION",
        defaultValue = DEFAULT_LIFETIME,
        description =
            "How long the certificate is valid: 1 hour to 397 days (default: ${DEFAULT-VALUE}).")
    String lifetime;

    @Option(
        names = "--url",
        paramLabel = "URL",
        description =
            "The server's URL for the credential's server.url (default: the one in"
                + " FLEET_DIR/admin/server.url).")
    String url;

    @Mixin FleetPassphrase passphrase = new FleetPassphrase();

    Recover(FleetContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      CommandLine command = spec.commandLine();
      Usage.directory(command, "FLEET_DIR", dir);
      if (!Files.exists(dir.resolve("ca").resolve(FleetCa.CERTIFICATE_FILE))) {
        throw new RequestFailedException(
            "no fleet in " + dir + " (no ca/" + FleetCa.CERTIFICATE_FILE + ")");
      }
      String operator = name(command, name);
      Duration valid = lifetime(command, lifetime);
      FleetHome home = FleetHome.at(dir);
      URI server = serverUrl(command, home);
      char[] secret = passphrase.read(command, context);
      X509Certificate cert;
      try {
        SecureRandom random = new SecureRandom();
        FleetCa ca = home.ca(secret, random);
        home.issueAdmin(
            ca, operator, home.adminDir(), server, valid, context.clock().instant(), random);
        cert = Credential.load(home.adminDir(), "admin").certificate();
      } catch (IOException e) {
        throw new RequestFailedException(
            "cannot write a credential to " + home.adminDir() + ": " + FleetCommand.describe(e), e);
      } finally {
        Arrays.fill(secret, '\0');
      }
      context
          .io()
          .out()
          .println(
              "wrote a credential for operator "
                  + operator
                  + " to "
                  + Printable.escape(home.adminDir().toString())
                  + ": "
                  + expiry(
                      context, cert.getSerialNumber().toString(16), cert.getNotAfter().getTime())
                  + "; restart 'hwledger fleet server' to record it");
      return ErrorHandler.ExitCodes.OK;
    }

    /** --url, else the credential directory's server.url. */
    private URI serverUrl(CommandLine command, FleetHome home) {
      if (url != null) {
        return FleetInitCommand.httpsUrl(command, "--url", url);
      }
      Path file = home.adminDir().resolve("server.url");
      if (!Files.isRegularFile(file)) {
        throw Usage.error(command, "give --url URL: " + file + " is missing");
      }
      try {
        return FleetClient.serverUrls(file).get(0);
      } catch (IOException e) {
        throw new RequestFailedException(FleetCommand.describe(e), e);
      } catch (IllegalArgumentException e) {
        throw new RequestFailedException(e.getMessage(), e);
      }
    }
  }
}
