package io.hwledger.cli;

import io.hwledger.api.Printable;
import io.hwledger.math.engine.EngineModels;
import io.hwledger.math.engine.LaunchRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The command line that starts a plan's engine ({@link EngineModels#launch}, each engine model's
 * own flags and checks), and how it is printed for a shell.
 */
final class EngineLaunch {
  /** Characters a POSIX shell takes literally in an unquoted word. */
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private EngineLaunch() {}

  /**
   * The command for the request's engine.
   *
   * @throws IllegalArgumentException naming what the engine cannot do: the generic engine, a cache
   *     or weight format it does not accept, llama.cpp without a GGUF file
   */
  static List<String> command(PlanOptions.Request r) {
    LaunchRequest launch =
        new LaunchRequest(
            modelArgument(r),
            r.modelSource(),
            r.model(),
            r.precision(),
            r.workload(),
            r.deployment());
    return EngineModels.defaults().launch(launch, r.deployment().engine());
  }

  /** The model argument: a catalog model's repository, or the file or directory planned from. */
  static String modelArgument(PlanOptions.Request r) {
    ModelSource.Loaded loaded = r.loaded();
    if (loaded.repo().isPresent()) {
      return loaded.repo().get();
    }
    Path file = loaded.file().orElseThrow();
    if (loaded.origin().equals("config")
        || (loaded.origin().equals("safetensors") && !Files.isDirectory(file))) {
      Path parent = file.toAbsolutePath().getParent();
      return parent == null ? file.toString() : parent.toString();
    }
    return file.toString();
  }

  /**
   * {@code args} as one shell line, quoting what the shell would split or expand: a word of safe
   * characters as it is, one with others in single quotes, and one holding a character {@link
   * Printable#escape} escapes (a path from disk may hold ESC or a bidi override) in bash's {@code
   * $'...'} quotes with that character written as an escape, so the line is safe to print and still
   * runs in bash and zsh.
   */
  static String shellLine(List<String> args) {
    StringBuilder line = new StringBuilder();
    for (String arg : args) {
      if (line.length() > 0) {
        line.append(' ');
      }
      if (SHELL_SAFE.matcher(arg).matches()) {
        line.append(arg);
      } else if (arg.codePoints().anyMatch(Printable::needsEscape)) {
        line.append("$'");
        arg.codePoints().forEach(c -> line.append(ansiC(c)));
        line.append('\'');
      } else {
        line.append('\'').append(arg.replace("'", "'\\''")).append('\'');
      }
    }
    return line.toString();
  }

  /**
   * Code point {@code c} inside bash's {@code $'...'}: quotes and backslashes escaped, ASCII
   * controls as {@link Printable#escape} writes them ({@code \x1b}), other escaped characters as
   * <code>&#92;u</code> or <code>&#92;U</code> escapes, which bash writes back as UTF-8.
   */
  private static String ansiC(int c) {
    if (c == '\\' || c == '\'') {
      return "\\" + (char) c;
    }
    if (!Printable.needsEscape(c)) {
      return new String(Character.toChars(c));
    }
    if (c < 0x80) {
      return Printable.escape(new String(Character.toChars(c)));
    }
    return c <= 0xFFFF
        ? String.format(Locale.ROOT, "\\u%04x", c)
        : String.format(Locale.ROOT, "\\U%08x", c);
  }
}
