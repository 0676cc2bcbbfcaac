package io.hwledger.fleet.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The executables this agent may run, by command name: the agent's own configuration, never the
 * server's. A job's {@code argv[0]}, as the server sends it ({@code vllm}, {@code llama-server},
 * {@code python3}), is looked up here and replaced by the absolute path it maps to; a name that is
 * not listed is refused, so the server cannot make an agent run an arbitrary program.
 *
 * <p>The file form has one {@code name=/absolute/path} per line; blank lines and lines starting
 * with {@code #} are ignored, and spaces around the name and the path are trimmed. A name is 1 to
 * 64 letters, digits, {@code .}, {@code _}, {@code +} or {@code -} (so never a path), listed once;
 * a path is absolute and names an existing, executable regular file when the list is loaded.
 *
 * <p>Immutable and thread-safe.
 */
public final class Allowlist {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._+-]{1,64}");
  private static final int MAX_FILE_BYTES = 1 << 20;

  private final Map<String, Path> entries;

  private Allowlist(Map<String, Path> entries) {
    this.entries = Map.copyOf(entries);
  }

  /**
   * Reads an allowlist file.
   *
   * @param file the file, UTF-8, at most 1 MiB
   * @return the allowlist it describes
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException on the first bad line, in one line naming the file, the line
   *     number and what is wrong (a relative path, a name holding {@code /}, a duplicate name, a
   *     missing or non-executable file)
   */
  public static Allowlist load(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IllegalArgumentException(
          "allowlist " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Map<String, Path> entries = new LinkedHashMap<>();
    Map<String, Integer> lineOf = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = "allowlist " + file + " line " + (i + 1) + ": ";
      int equals = line.indexOf('=');
      if (equals < 0) {
        throw new IllegalArgumentException(where + "expected name=/absolute/path");
      }
      String name = line.substring(0, equals).strip();
      String path = line.substring(equals + 1).strip();
      Integer earlier = lineOf.putIfAbsent(name, i + 1);
      if (earlier != null) {
        throw new IllegalArgumentException(
            where + "name '" + name + "' is already listed on line " + earlier);
      }
      entries.put(name, check(where, name, path));
    }
    return new Allowlist(entries);
  }

  /**
   * An allowlist from name to path, checked as {@link #load} checks a file.
   *
   * @param entries command names to absolute paths of executable files
   * @return the allowlist
   * @throws IllegalArgumentException naming the first bad entry
   */
  public static Allowlist of(Map<String, Path> entries) {
    Map<String, Path> checked = new LinkedHashMap<>();
    entries.forEach(
        (name, path) ->
            checked.put(name, check("allowlist entry '" + name + "': ", name, path.toString())));
    return new Allowlist(checked);
  }

  private static Path check(String where, String name, String path) {
    if (name.indexOf('/') >= 0) {
      throw new IllegalArgumentException(
          where + "name '" + name + "' holds '/': a name is the bare command the server sends");
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          where + "name '" + name + "' must be 1 to 64 letters, digits, '.', '_', '+' or '-'");
    }
    Path executable;
    try {
      executable = Path.of(path);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(where + "path '" + path + "' is not a valid path", e);
    }
    if (!executable.isAbsolute()) {
      throw new IllegalArgumentException(where + "path '" + path + "' is not absolute");
    }
    if (!Files.exists(executable)) {
      throw new IllegalArgumentException(where + "path '" + path + "' does not exist");
    }
    if (!Files.isRegularFile(executable)) {
      throw new IllegalArgumentException(where + "path '" + path + "' is not a regular file");
    }
    if (!Files.isExecutable(executable)) {
      throw new IllegalArgumentException(where + "path '" + path + "' is not executable");
    }
    return executable;
  }

  /**
   * The executable a command name maps to.
   *
   * @param name a job's {@code argv[0]} as the server sent it
   * @return its absolute path, or empty when the name is not listed
   */
  public Optional<Path> resolve(String name) {
    return Optional.ofNullable(entries.get(name));
  }

  /**
   * Every entry.
   *
   * @return command names to absolute paths, unmodifiable
   */
  public Map<String, Path> entries() {
    return entries;
  }

  @Override
  public String toString() {
    return "Allowlist" + entries.keySet();
  }
}
