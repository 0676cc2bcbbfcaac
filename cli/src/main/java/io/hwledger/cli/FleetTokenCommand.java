package io.hwledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.protocol.TokenRequest;
import io.hwledger.fleet.protocol.TokenResponse;
import io.hwledger.math.Sizes;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger fleet token}: join tokens, with which agents enroll ({@code hwledger agent
 * join}). The secret leaves the server once, in the join string {@code create} prints; the server
 * keeps only its hash.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Creates, lists and revokes the join tokens agents enroll with.")
final class FleetTokenCommand implements Callable<Integer> {
  private static final Pattern TOKEN_ID = Pattern.compile("[0-9a-f]{32}");

  @Spec CommandSpec spec;

  FleetTokenCommand() {}

  /** The {@code token} command with its subcommands. */
  static CommandLine commandLine(FleetContext context) {
    CommandLine token = new CommandLine(new FleetTokenCommand());
    token.addSubcommand(new Create(context));
    token.addSubcommand(new ListTokens(context));
    token.addSubcommand(new Revoke(context));
    return token;
  }

  /** Without a subcommand: a usage error naming the subcommands. */
  @Override
  public Integer call() {
    throw Usage.subcommandRequired(spec);
  }

  /** {@code hwledger fleet token create}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Creates a join token and prints its join string, and only that, on standard output:"
            + " JOIN=$(hwledger fleet token create) works. The token's id and expiry go to"
            + " standard error.",
        "The join string holds the secret: give it to 'hwledger agent join' on the GPU host and"
            + " nowhere else."
      })
  static final class Create implements Callable<Integer> {
    private final FleetContext context;

    @Spec CommandSpec spec;

    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        defaultValue = "1h",
        description =
            "How long the token can be used: 30m, 1h, 7d; 1 minute to 30 days (default:"
                + " ${DEFAULT-VALUE}).")
    String ttl;

    @Option(
        names = "--uses",
        paramLabel = "N",
        defaultValue = "1",
        description = "How many agents can join with it, 1 to 1000 (default: ${DEFAULT-VALUE}).")
    String uses;

    @Option(
        names = "--label",
        paramLabel = "KEY=VALUE",
        description =
            "A label every agent that joins with it gets, e.g. pool=a100; repeatable. Keys are"
                + " lower-case letters, digits, '.', '_', '-', '/'.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Mixin FleetAdminOption admin = new FleetAdminOption();

    Create(FleetContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      CommandLine command = spec.commandLine();
      Duration lifetime;
      int count;
      try {
        lifetime = Durations.parse("--ttl", ttl, "30m, 1h, 7d");
        count = (int) Sizes.count("--uses", uses, Integer.MAX_VALUE);
      } catch (IllegalArgumentException e) {
        throw Usage.error(command, e);
      }
      if (lifetime.compareTo(Duration.ofMinutes(1)) < 0
          || lifetime.compareTo(Duration.ofDays(30)) > 0) {
        throw Usage.error(
            command, "--ttl: " + Usage.quote(ttl) + " is not between 1 minute and 30 days");
      }
      if (count > 1000) {
        throw Usage.error(command, "--uses: " + count + " is more than 1000");
      }
      TokenRequest request;
      try {
        request = new TokenRequest(Protocol.VERSION, lifetime.getSeconds(), count, labels);
      } catch (IllegalArgumentException e) {
        throw Usage.error(command, "--label: " + ErrorHandler.oneLine(e.getMessage(), e));
      }
      AdminApi api = admin.connect(command, context);
      TokenResponse token = api.send("POST", "tokens", request, TokenResponse.class);
      context.io().out().println(token.join());
      context.io().out().flush();
      Duration left = Duration.between(context.clock().instant(), expiry(token));
      context
          .io()
          .err()
          .println(
              "token "
                  + token.tokenId()
                  + ": "
                  + token.uses()
                  + (token.uses() == 1 ? " use" : " uses")
                  + ", expires "
                  + FleetCommand.time(token.expiresAtMillis())
                  + " (in "
                  + Durations.format(left)
                  + "); pass the join string to 'hwledger agent join' on the GPU host");
      return ErrorHandler.ExitCodes.OK;
    }

    private static Instant expiry(TokenResponse token) {
      return Instant.ofEpochMilli(token.expiresAtMillis());
    }
  }

  /** {@code hwledger fleet token list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = "Lists the join tokens: id, expiry, uses left and whether each still works.")
  static final class ListTokens extends FleetViewCommand {
    ListTokens(FleetContext context) {
      super(context);
    }

    @Override
    String view() {
      return "tokens";
    }

    @Override
    void print(JsonNode document, PrintStream out) {
      JsonNode tokens = document.path("tokens");
      if (tokens.isEmpty()) {
        out.println("No join tokens; 'hwledger fleet token create' makes one.");
        return;
      }
      long now = context.clock().millis();
      TextTable table = new TextTable("llrl");
      table.row("TOKEN", "EXPIRES", "USES LEFT", "STATE");
      for (JsonNode t : tokens) {
        long expires = t.path("expiresAtMillis").asLong();
        int usesLeft = t.path("usesLeft").asInt();
        String state;
        if (t.path("revoked").asBoolean()) {
          state = "revoked";
        } else if (expires <= now) {
          state = "expired";
        } else if (usesLeft <= 0) {
          state = "used up";
        } else {
          state = "valid for " + Durations.format(Duration.ofMillis(expires - now));
        }
        table.row(
            t.path("tokenId").asText(),
            FleetCommand.time(expires),
            Integer.toString(usesLeft),
            state);
      }
      table.print(out, "");
    }
  }

  /** {@code hwledger fleet token revoke}. */
  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = {
        "Revokes a join token: no agent can join with it any more. Agents that joined with it stay"
            + " enrolled ('hwledger fleet revoke' removes an agent)."
      })
  static final class Revoke implements Callable<Integer> {
    private final FleetContext context;

    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "ID",
        description = "The token's id, 32 hex digits, as 'fleet token list' shows it.")
    String id;

    @Mixin FleetAdminOption admin = new FleetAdminOption();

    Revoke(FleetContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      String tokenId = id.strip().toLowerCase(Locale.ROOT);
      if (!TOKEN_ID.matcher(tokenId).matches()) {
        // A join string or a whole token holds the secret: never echo it.
        boolean secret = id.contains(".") || id.contains("#") || id.length() > 64;
        throw Usage.error(
            spec.commandLine(),
            "ID: "
                + (secret
                    ? "that looks like a join token, which holds its secret; give"
                    : Usage.quote(id) + " is not a token id; give")
                + " the 32 hex digits 'hwledger fleet token list' shows");
      }
      admin.connect(spec.commandLine(), context).delete("tokens/" + tokenId);
      context.io().out().println("revoked token " + tokenId + "; no agent can join with it now");
      return ErrorHandler.ExitCodes.OK;
    }
  }
}
