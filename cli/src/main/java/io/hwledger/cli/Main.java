package io.hwledger.cli;

import io.hwledger.spi.GpuBackends;
import java.io.Console;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * The {@code hwledger} command line: {@code models} lists the model catalog, {@code plan} plans the
 * GPU memory of a model for a workload, {@code ledger} appends to, verifies, shows, proves and
 * signs checkpoints of a ledger, {@code fleet} creates, runs and operates a fleet server. See
 * {@code docs/cli-reference.md} for every option, the JSON shapes and the exit codes.
 */
public final class Main {
  private Main() {}

  /**
   * Runs the command line and exits the JVM with its exit code.
   *
   * @param args the command and its options, as {@code hwledger --help} lists them
   */
  public static void main(String... args) {
    Streams io =
        new Streams(System.out, System.err, stdoutSupportsUnicode(), System.in, interactive());
    System.exit(run(io, args));
  }

  /**
   * Runs the command line with the given streams and returns its exit code (0 success, 1 failed
   * request, 2 usage error); never exits the JVM. Output may use Unicode block characters.
   */
  static int run(PrintStream out, PrintStream err, String... args) {
    return run(out, err, true, args);
  }

  /** {@link #run(PrintStream, PrintStream, String...)} with {@code in} as standard input. */
  static int run(InputStream in, PrintStream out, PrintStream err, String... args) {
    return run(new Streams(out, err, true, in, false), args);
  }

  static int run(PrintStream out, PrintStream err, boolean unicode, String... args) {
    return run(new Streams(out, err, unicode), args);
  }

  static int run(Streams io, String... args) {
    return run(io, GpuBackends::discover, args);
  }

  /** Runs with {@code backends} as the telemetry registry (tests inject fake providers). */
  static int run(Streams io, Supplier<GpuBackends> backends, String... args) {
    return run(io, backends, System.getenv(), args);
  }

  /**
   * Runs with {@code env} as the environment variables the commands read ({@code
   * HWLEDGER_FLEET_ADMIN}, {@code HWLEDGER_FLEET_PASSPHRASE}); tests give their own.
   */
  @SuppressWarnings("try") // the logging stays installed for the command; its body never names it
  static int run(
      Streams io, Supplier<GpuBackends> backends, Map<String, String> env, String... args) {
    try (CliLogging logging = CliLogging.install(io, ErrorHandler.debugRequested(args))) {
      return commandLine(io, backends, env).execute(args);
    } finally {
      io.out().flush();
      io.err().flush();
    }
  }

  static CommandLine commandLine(Streams io, Supplier<GpuBackends> backends) {
    return commandLine(io, backends, System.getenv());
  }

  static CommandLine commandLine(
      Streams io, Supplier<GpuBackends> backends, Map<String, String> env) {
    CommandLine cli = new CommandLine(new HwledgerCommand());
    cli.addSubcommand(new ModelsCommand(io));
    PlanCommand plan = new PlanCommand(io);
    cli.addSubcommand(plan);
    plan.options.addEngineOptions(cli.getSubcommands().get("plan"));
    plan.options.env = env;
    cli.addSubcommand(new PerfCommand(io));
    ExportCommand export = new ExportCommand(io);
    cli.addSubcommand(export);
    export.options.addEngineOptions(cli.getSubcommands().get("export"));
    export.options.env = env;
    cli.addSubcommand(LedgerCommand.commandLine(io, env));
    cli.addSubcommand(CloudCommand.commandLine(io, env));
    cli.addSubcommand(new DevicesCommand(io, backends));
    FleetContext fleet = new FleetContext(io, env, Clock.systemUTC());
    cli.addSubcommand(FleetCommand.commandLine(fleet));
    cli.addSubcommand(AgentCommand.commandLine(fleet));
    ErrorHandler handler = new ErrorHandler(io);
    cli.setOut(new PrintWriter(new PrintStreamWriter(io.out()), true));
    cli.setErr(new PrintWriter(new PrintStreamWriter(io.err()), true));
    cli.setParameterExceptionHandler(handler);
    cli.setExecutionExceptionHandler(handler);
    return cli;
  }

  /** Whether standard output's encoding has the block characters used by usage bars. */
  private static boolean stdoutSupportsUnicode() {
    try {
      String name = System.getProperty("sun.stdout.encoding");
      Charset charset = name == null ? Charset.defaultCharset() : Charset.forName(name);
      return charset.newEncoder().canEncode("\u2588\u2591");
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Whether the standard streams are a terminal. Until JDK 21 {@link System#console()} is null
   * exactly when they are not; from JDK 22 it is never null and {@code Console.isTerminal()} says.
   */
  @SuppressWarnings("SystemConsoleNull") // null is checked first, then isTerminal() where it exists
  static boolean interactive() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true; // JDK 17 to 21: a console exists only for a terminal
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}
