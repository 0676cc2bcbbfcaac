package io.hwledger.cli;

import io.hwledger.api.DType;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.Printable;
import io.hwledger.math.GpuCatalog;
import io.hwledger.math.ModelCatalog;
import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.EngineModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Usage errors, worded one way: {@code <option>: <what is wrong with 'value'>}, then a pointer in
 * parentheses, {@code (try 'hwledger plan --help')} unless the message brings its own, such as
 * {@code (try 'hwledger models' for every model)}. {@link ErrorHandler} prints them as one line,
 * {@code hwledger: <message>}, and exits with {@link ErrorHandler.ExitCodes#USAGE}. Values the user
 * typed are quoted and escaped ({@link Printable#escape}). Stateless.
 */
final class Usage {
  private Usage() {}

  /**
   * The usage error of a command run without its subcommand: names the subcommands.
   *
   * @param spec the command's spec
   * @return the exception to throw
   */
  static ParameterException subcommandRequired(CommandSpec spec) {
    return error(
        spec.commandLine(),
        spec.name()
            + ": a subcommand is required: "
            + or(List.copyOf(spec.subcommands().keySet())));
  }

  /** A usage error of the command {@code command}. */
  static ParameterException error(CommandLine command, String message) {
    return new ParameterException(command, message);
  }

  /** A usage error with the message of {@code cause}, which it keeps as its cause. */
  static ParameterException error(CommandLine command, IllegalArgumentException cause) {
    return new ParameterException(command, ErrorHandler.oneLine(cause.getMessage(), cause), cause);
  }

  /** {@code 'value'} with the value escaped for a terminal. */
  static String quote(String value) {
    return "'" + Printable.escape(value) + "'";
  }

  /** {@code a}, {@code a or b}, {@code a, b or c}. */
  static String or(List<String> items) {
    return join(items, " or ");
  }

  /** {@code a}, {@code a and b}, {@code a, b and c}. */
  static String and(List<String> items) {
    return join(items, " and ");
  }

  private static String join(List<String> items, String lastSeparator) {
    int last = items.size() - 1;
    return last <= 0
        ? String.join("", items)
        : String.join(", ", items.subList(0, last)) + lastSeparator + items.get(last);
  }

  /** {@code (try 'hwledger plan --help')} for {@code command}. */
  static String helpHint(CommandLine command) {
    return "(try '" + command.getCommandSpec().qualifiedName() + " --help')";
  }

  /**
   * {@code --gpu: unknown GPU 'h100'; did you mean h100-sxm-80gb, h100-pcie-80gb or h100-nvl-94gb?
   * (try 'hwledger plan --help' for every GPU)}.
   *
   * @param option the option the value came from
   * @param noun what the value names, e.g. {@code GPU}
   * @param value what the user typed
   * @param known every name the option accepts, in the order to suggest them
   * @param list the command that lists every name, e.g. {@code hwledger models}
   */
  static String unknown(
      String option, String noun, String value, Collection<String> known, String list) {
    return option
        + ": unknown "
        + noun
        + " "
        + quote(value)
        + Suggestions.didYouMean(Suggestions.closest(value, known))
        + " (try '"
        + list
        + "' for every "
        + noun
        + ")";
  }

  /** The catalog model {@code id}; a usage error suggesting close ids when there is none. */
  static ModelCatalog.Entry model(CommandLine command, String option, String id) {
    ModelCatalog catalog = ModelCatalog.builtIn();
    return catalog
        .find(id)
        .orElseThrow(
            () ->
                error(
                    command,
                    unknown(
                        option,
                        "model",
                        id,
                        catalog.entries().stream().map(ModelCatalog.Entry::id).toList(),
                        "hwledger models")));
  }

  /** The catalog GPU with this id or name; a usage error suggesting close ids when none. */
  static GpuSpec gpu(CommandLine command, String option, String idOrName) {
    return GpuCatalog.builtIn()
        .find(idOrName)
        .orElseThrow(
            () ->
                error(
                    command, unknown(option, "GPU", idOrName, new GpuIds().list(), help(command))));
  }

  /** The format named {@code text}; a usage error suggesting close names when none. */
  static DType dtype(CommandLine command, String option, String text) {
    return dtype(command, option, text, DType.names());
  }

  /**
   * The format named {@code text}; a usage error suggesting close names among {@code known} when
   * none.
   */
  static DType dtype(CommandLine command, String option, String text, Collection<String> known) {
    try {
      return DType.parse(text);
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().startsWith("unknown dtype")) { // a known family, an impossible parameter
        throw error(command, option + ": " + ErrorHandler.oneLine(e.getMessage(), e));
      }
      ParameterException usage =
          error(command, unknown(option, "dtype", text, known, help(command)));
      usage.initCause(e);
      throw usage;
    }
  }

  /**
   * The message for an engine {@code engines} does not know, suggesting close ids; thrown as an
   * {@link IllegalArgumentException} by callers that have no command line at hand.
   */
  static String unknownEngine(String option, String name, EngineModels engines, String list) {
    return unknown(option, "engine", name, engines.ids(), list);
  }

  /** The model of engine {@code name}; a usage error suggesting close ids when none. */
  static EngineModel<?> engine(CommandLine command, String option, String name) {
    EngineModels engines = EngineModels.defaults();
    return engines
        .find(name)
        .orElseThrow(() -> error(command, unknownEngine(option, name, engines, help(command))));
  }

  /** {@code hwledger plan --help}. */
  static String help(CommandLine command) {
    return command.getCommandSpec().qualifiedName() + " --help";
  }

  /**
   * Checks that {@code path}, named by {@code what} (an option or a parameter label), is a file or
   * a directory that exists.
   *
   * @throws ParameterException when nothing is there
   */
  static Path existing(CommandLine command, String what, Path path) {
    if (!Files.exists(path)) {
      throw error(command, what + ": no such file or directory " + quote(path.toString()));
    }
    return path;
  }

  /**
   * Checks that {@code path} exists and is not a directory. What the file holds, and whether it can
   * be read, is for the command to find out: a failed request, not a usage error.
   *
   * @throws ParameterException when nothing is there or it is a directory
   */
  static Path file(CommandLine command, String what, Path path) {
    if (!Files.exists(path)) {
      throw error(command, what + ": no such file " + quote(path.toString()));
    }
    if (Files.isDirectory(path)) {
      throw error(command, what + ": " + quote(path.toString()) + " is a directory, not a file");
    }
    return path;
  }

  /**
   * Checks that {@code path} is a directory.
   *
   * @throws ParameterException when nothing is there or it is not a directory
   */
  static Path directory(CommandLine command, String what, Path path) {
    if (!Files.exists(path)) {
      throw error(command, what + ": no such directory " + quote(path.toString()));
    }
    if (!Files.isDirectory(path)) {
      throw error(command, what + ": " + quote(path.toString()) + " is not a directory");
    }
    return path;
  }

  /**
   * The GPU catalog's ids, for {@code completionCandidates}: {@code ${COMPLETION-CANDIDATES}} in an
   * option's description lists them in {@code --help}, which unknown-GPU errors point to.
   */
  static final class GpuIds implements Iterable<String> {
    List<String> list() {
      List<String> ids = new ArrayList<>();
      for (GpuSpec gpu : GpuCatalog.builtIn().gpus()) {
        ids.add(gpu.id());
      }
      return ids;
    }

    @Override
    public Iterator<String> iterator() {
      return list().iterator();
    }
  }

  /** The names {@link DType#parse} accepts, for {@code completionCandidates}. */
  static final class DTypeNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return DType.names().iterator();
    }
  }

  /** The engines' ids, for {@code completionCandidates}. */
  static final class EngineIds implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return EngineModels.defaults().ids().iterator();
    }
  }
}
