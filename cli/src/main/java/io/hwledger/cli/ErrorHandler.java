package io.hwledger.cli;

import io.hwledger.api.Printable;
import io.hwledger.ledger.LedgerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MaxValuesExceededException;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.MutuallyExclusiveArgsException;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns every failure into one line on standard error, {@code hwledger: <message>}, and an exit
 * code; a stack trace only with {@code --debug}.
 *
 * <ul>
 *   <li>{@link ExitCodes#USAGE} (2): the command line is wrong: an unknown command or option,
 *       missing or conflicting options, a value that does not parse (a byte size without a unit
 *       among them), an unknown model, GPU, dtype or engine, a path that does not exist or is a
 *       file where a directory is wanted or the reverse, a deployment the engine would refuse (more
 *       pipeline stages than layers, TP that does not divide the heads) or a context beyond the
 *       model's limit without {@code --allow-long-context}. Every {@link ParameterException},
 *       picocli's or a command's; worded as {@link #usageMessage} says.
 *   <li>{@link ExitCodes#FAILURE} (1): the command line is understood but the request fails: a file
 *       that cannot be read or describes no model the planner can represent, a plan the planner
 *       rejects (byte counts that overflow), a directory that is not a ledger, a ledger that is
 *       damaged or held by another process ({@link LedgerException}), a {@link
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
    io.err().println("hwledger: " + usageMessage(ex, args));
    if (debugRequested(args)) {
      ex.printStackTrace(io.err());
    }
    return ExitCodes.USAGE;
  }

  /**
   * The one line a usage error prints after {@code hwledger: }: what is wrong, naming the option or
   * argument and the value, then a pointer in parentheses, {@code (try 'hwledger plan --help')}
   * unless the message has its own ({@link Usage}). Picocli's own exceptions are reworded to match
   * the commands' messages; one this does not recognise keeps picocli's text without its {@code
   * Error: } prefix.
   *
   * @param args the whole command line, for the options picocli's message does not name
   */
  static String usageMessage(ParameterException ex, String[] args) {
    String what = oneLine(describe(ex, args), ex);
    return what.contains("(try '") ? what : what + " " + Usage.helpHint(ex.getCommandLine());
  }

  private static String describe(ParameterException ex, String[] args) {
    String message = ex.getMessage() == null ? "" : ex.getMessage();
    CommandSpec command = ex.getCommandLine().getCommandSpec();
    if (message.contains("Expected parameter for option '")) {
      return valueMissing(command, message);
    }
    if (ex instanceof UnmatchedArgumentException u) {
      return unmatched(command, u.getUnmatched(), u.isUnknownOption(), message);
    }
    if (ex instanceof MissingParameterException m) {
      return missing(m.getMissing(), message);
    }
    if (ex instanceof MutuallyExclusiveArgsException) {
      List<String> given = givenFromOneExclusiveGroup(command, args);
      return given.size() < 2
          ? withoutPrefix(message)
          : Usage.and(given) + " are mutually exclusive; give one of them";
    }
    if (ex instanceof OverwrittenOptionException o) {
      return givenTwice(name(o.getOverwritten()));
    }
    if (ex instanceof MaxValuesExceededException && message.contains("expected only one match")) {
      // An option of an exclusive group given twice, e.g. --model a --model b.
      return givenTwice(command, args).map(ErrorHandler::givenTwice).orElse(withoutPrefix(message));
    }
    if (ex.getArgSpec() != null && ex.getValue() != null && message.startsWith("Invalid value")) {
      return badValue(ex.getArgSpec(), ex.getValue(), ex.getCause());
    }
    return withoutPrefix(message);
  }

  /** Picocli's {@code Unknown options: ...} and {@code Unmatched argument at index N: ...}. */
  private static String unmatched(
      CommandSpec command, List<String> unmatched, boolean isOption, String message) {
    if (unmatched.isEmpty() || unmatched.get(0) == null) {
      return withoutPrefix(message);
    }
    String first = unmatched.get(0);
    if (isOption) {
      String option = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
      List<String> names = new ArrayList<>();
      for (OptionSpec spec : command.options()) {
        if (!spec.hidden() && spec.longestName().startsWith("--")) {
          names.add(spec.longestName());
        }
      }
      return "unknown option "
          + Usage.quote(option)
          + Suggestions.didYouMean(Suggestions.closest(option, names));
    }
    if (!command.subcommands().isEmpty() && command.positionalParameters().isEmpty()) {
      return "unknown command "
          + Usage.quote(first)
          + Suggestions.didYouMean(Suggestions.closest(first, command.subcommands().keySet()));
    }
    List<String> quoted = new ArrayList<>();
    unmatched.forEach(arg -> quoted.add(Usage.quote(String.valueOf(arg))));
    return (unmatched.size() == 1 ? "unexpected argument " : "unexpected arguments ")
        + String.join(", ", quoted);
  }

  /** Picocli's {@code Missing required option/parameter/argument ...}. */
  private static String missing(List<ArgSpec> missing, String message) {
    if (missing.isEmpty()) {
      return withoutPrefix(message);
    }
    if (message.startsWith("Missing required parameter for ") && missing.get(0).isOption()) {
      // The option is there but its value is not: the command line ends after it.
      OptionSpec option = (OptionSpec) missing.get(0);
      return option.longestName() + " needs a value (" + option.paramLabel() + ")";
    }
    List<String> names = new ArrayList<>();
    missing.forEach(arg -> names.add(synopsis(arg)));
    ArgGroupSpec group = missing.get(0).group();
    if (missing.size() > 1 && group != null && group.exclusive()) {
      return "missing one of " + Usage.or(names);
    }
    return "missing " + Usage.and(names);
  }

  /** Picocli's {@code Expected parameter for option '--model' but found '--json'}. */
  private static String valueMissing(CommandSpec command, String message) {
    Matcher m = EXPECTED_PARAMETER.matcher(message);
    if (!m.find()) {
      return withoutPrefix(message);
    }
    OptionSpec option = command.findOption(m.group(1));
    String label = option == null ? "" : " (" + option.paramLabel() + ")";
    return m.group(1)
        + " needs a value"
        + label
        + ", but the next argument is the option "
        + Usage.quote(m.group(2));
  }

  private static final Pattern EXPECTED_PARAMETER =
      Pattern.compile("Expected parameter for option '([^']+)' but found '(.*)'$");

  /** A value picocli could not convert to the option's type, e.g. {@code --from abc}. */
  private static String badValue(ArgSpec arg, String value, Throwable cause) {
    Class<?> type = arg.type();
    String expected;
    if (type == int.class
        || type == long.class
        || type == Integer.class
        || type == Long.class
        || type == short.class
        || type == Short.class) {
      expected = "is not a whole number";
    } else if (cause != null && cause.getMessage() != null) {
      return name(arg) + ": " + withoutPrefix(cause.getMessage());
    } else {
      expected = "is not a valid " + type.getSimpleName();
    }
    return name(arg) + ": " + Usage.quote(value) + " " + expected;
  }

  /** The options of one exclusive group that {@code args} gives, in the group's order. */
  private static List<String> givenFromOneExclusiveGroup(CommandSpec command, String[] args) {
    for (ArgGroupSpec group : command.argGroups()) {
      if (!group.exclusive()) {
        continue;
      }
      List<String> given = new ArrayList<>();
      for (OptionSpec option : group.options()) {
        if (occurrences(option, args) > 0) {
          given.add(option.longestName());
        }
      }
      if (given.size() > 1) {
        return given;
      }
    }
    return List.of();
  }

  /** The first option of {@code command} that {@code args} gives more than once. */
  private static Optional<String> givenTwice(CommandSpec command, String[] args) {
    for (OptionSpec option : command.options()) {
      if (occurrences(option, args) > 1) {
        return Optional.of(option.longestName());
      }
    }
    return Optional.empty();
  }

  private static String givenTwice(String option) {
    return option + " is given more than once; give it once";
  }

  private static int occurrences(OptionSpec option, String[] args) {
    int count = 0;
    for (String arg : args) {
      if (arg.equals("--")) {
        break;
      }
      for (String name : option.names()) {
        if (arg.equals(name) || arg.startsWith(name + "=")) {
          count++;
        }
      }
    }
    return count;
  }

  /** {@code --seq SEQ}, {@code --json}, {@code DIR}. */
  private static String synopsis(ArgSpec arg) {
    if (arg.isOption()) {
      OptionSpec option = (OptionSpec) arg;
      return option.arity().max() == 0
          ? option.longestName()
          : option.longestName() + " " + option.paramLabel();
    }
    return arg.paramLabel();
  }

  /** {@code --seq} or {@code DIR}. */
  private static String name(ArgSpec arg) {
    return arg.isOption() ? ((OptionSpec) arg).longestName() : arg.paramLabel();
  }

  private static String withoutPrefix(String message) {
    return message.startsWith("Error: ") ? message.substring("Error: ".length()) : message;
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
    return Printable.oneLine(message, t);
  }

  /** Whether {@code --debug} was given anywhere on the parsed command line. */
  static boolean debugRequested(ParseResult result) {
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
