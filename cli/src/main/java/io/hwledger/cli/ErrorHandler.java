package io.hwledger.cli;

import io.hwledger.api.Printable;
import io.hwledger.ledger.LedgerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on standard error, {@code hwledger: <message>}, and an exit
 * code; a stack trace only with {@code --debug}.
 *
 * <ul>
 *   <li>{@link ExitCodes#USAGE} (2): the command line is wrong: unknown option, missing or
 *       conflicting options, a value that does not parse, an unknown model, GPU or dtype.
 *   <li>{@link ExitCodes#FAILURE} (1): the command line is well formed but the request fails: a
 *       config file that cannot be read or describes no model the planner can represent, a plan the
 *       planner rejects (more pipeline stages than layers, byte counts that overflow), a ledger
 *       that is missing, damaged or held by another process ({@link LedgerException}), a {@link
 *       RequestFailedException}, and unexpected internal errors (these add a hint to rerun with
 *       {@code --debug}).
 * </ul>
 */
final class ErrorHandler implements IParameterExceptionHandler, IExecutionExceptionHandler {

  /** The process exit codes of the command line. */
  static final class ExitCodes {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;

    private ExitCodes() {}
  }

  private final Streams io;

  ErrorHandler(Streams io) {
    this.io = io;
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    io.err().println("hwledger: " + oneLine(ex.getMessage(), ex));
    if (debugRequested(args)) {
      ex.printStackTrace(io.err());
    }
    return ExitCodes.USAGE;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult result) {
    boolean debug = debugRequested(result);
    if (ex instanceof IllegalArgumentException
        || ex instanceof LedgerException
        || ex instanceof RequestFailedException) {
      io.err().println("hwledger: " + oneLine(ex.getMessage(), ex));
    } else if (ex instanceof UncheckedIOException || ex instanceof IOException) {
      Throwable cause = ex instanceof UncheckedIOException ? ex.getCause() : ex;
      io.err().println("hwledger: cannot read input: " + oneLine(cause.getMessage(), cause));
    } else {
      io.err()
          .println(
              "hwledger: internal error: "
                  + oneLine(ex.getMessage(), ex)
                  + (debug ? "" : " (rerun with --debug to see the stack trace)"));
    }
    if (debug) {
      ex.printStackTrace(io.err());
    }
    return ExitCodes.FAILURE;
  }

  /**
   * The message on one line, or the exception's class name when it has none: line breaks become
   * {@code "; "}, and every other control, format or line-separator character a file put in it is
   * escaped ({@link Printable#escape}), so a hostile name cannot move the cursor or forge output.
   * Every error the command line prints passes through here.
   */
  static String oneLine(String message, Throwable t) {
    if (message == null || message.isBlank()) {
      return t.getClass().getSimpleName();
    }
    return Printable.escape(message.strip().replaceAll("\\s*\\R\\s*", "; "));
  }

  private static boolean debugRequested(ParseResult result) {
    for (ParseResult r = result; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code --debug} is among {@code args} (before a {@code --}). */
  static boolean debugRequested(String[] args) {
    for (String arg : args) {
      if (arg.equals("--debug")) {
        return true;
      }
      if (arg.equals("--")) {
        return false;
      }
    }
    return false;
  }
}
