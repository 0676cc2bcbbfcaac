package io.hwledger.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hwledger fleet revoke}: revokes an agent's enrollment. */
@Command(
    name = "revoke",
    mixinStandardHelpOptions = true,
    description = {
      "Revokes an agent: the server refuses its certificate from now on, closes its open watch"
          + " streams and places its jobs elsewhere. To come back it must join with a new token."
    })
final class FleetRevokeCommand implements Callable<Integer> {
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final FleetContext context;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "AGENT_ID",
      description = "The agent's id, a UUID, as 'hwledger fleet agents' lists it.")
  String agent;

  @Mixin FleetAdminOption admin = new FleetAdminOption();

  FleetRevokeCommand(FleetContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    String id = agent.strip().toLowerCase(Locale.ROOT);
    if (!UUID.matcher(id).matches()) {
      throw Usage.error(
          spec.commandLine(),
          "AGENT_ID: "
              + Usage.quote(agent)
              + " is not an agent id (a UUID, as 'hwledger fleet agents' lists)");
    }
    admin.connect(spec.commandLine(), context).post("agents/" + id + "/revoke", null);
    context
        .io()
        .out()
        .println(
            "revoked agent "
                + id
                + ": its certificate is refused from now on and its jobs are placed elsewhere");
    return ErrorHandler.ExitCodes.OK;
  }
}
