package io.hwledger.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hwledger fleet cancel}: asks the server to stop a job. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = {
      "Cancels a job: its agent stops the process tree and reports it cancelled; a job not yet"
          + " placed is cancelled at once. Cancelling a job that has ended changes nothing."
    })
final class FleetCancelCommand implements Callable<Integer> {
  private final FleetContext context;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "JOB",
      description = "The job's id, as 'fleet submit' printed it and 'fleet jobs' lists it.")
  String job;

  @Mixin FleetAdminOption admin = new FleetAdminOption();

  FleetCancelCommand(FleetContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (!AdminApi.isSegment(job)) {
      throw Usage.error(
          spec.commandLine(),
          "JOB: "
              + Usage.quote(job)
              + " is not a job id (letters, digits, '_' and '-', as 'hwledger fleet jobs' lists)");
    }
    admin.connect(spec.commandLine(), context).post("jobs/" + job + "/cancel", null);
    context
        .io()
        .out()
        .println(
            "cancel of job " + job + " requested; 'hwledger fleet jobs' shows when it stopped");
    return ErrorHandler.ExitCodes.OK;
  }
}
