package io.hwledger.metal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Parses the text of {@code ioreg -r -d 1 -w 0 -c IOAccelerator}: one {@code +-o} line per
 * accelerator, then its properties one per line ({@code "key" = value}). {@code -w 0} matters: it
 * stops ioreg from cutting long lines such as {@code PerformanceStatistics}.
 *
 * <p>Only what this backend needs is read: the {@code PerformanceStatistics} dictionary (its
 * numeric entries), {@code "model"} and {@code "gpu-core-count"}. Missing properties are absent;
 * malformed ones raise {@link IllegalArgumentException} with a one-line message.
 */
public final class IoregParser {

  /** The read-only command whose output {@link #parse(String)} reads. */
  public static final List<String> COMMAND =
      List.of("ioreg", "-r", "-d", "1", "-w", "0", "-c", "IOAccelerator");

  private IoregParser() {}

  /**
   * The accelerators in {@code text}, in the order ioreg printed them; empty for blank output
   * (ioreg prints nothing when no entry matches).
   *
   * @param text ioreg's whole standard output
   * @return the accelerators; an unmodifiable list
   * @throws IllegalArgumentException if the text is not ioreg output or a property is malformed
   */
  public static List<IoregAccelerator> parse(String text) {
    List<IoregAccelerator> result = new ArrayList<>();
    Builder current = null;
    int lineNo = 0;
    for (String raw : text.split("\r?\n", -1)) {
      lineNo++;
      String line = stripTree(raw);
      if (line.isEmpty() || line.equals("{") || line.equals("}")) {
        continue;
      }
      if (line.startsWith("+-o ")) {
        if (current != null) {
          result.add(current.build());
        }
        current = new Builder(entryClass(line.substring(4)));
        continue;
      }
      if (!line.startsWith("\"")) {
        throw new IllegalArgumentException(
            "ioreg line " + lineNo + ": expected '+-o' or '\"key\" = value', got: " + clip(line));
      }
      if (current == null) {
        throw new IllegalArgumentException(
            "ioreg line " + lineNo + ": property before any '+-o' entry line: " + clip(line));
      }
      int keyEnd = line.indexOf('"', 1);
      int eq = keyEnd < 0 ? -1 : line.indexOf(" = ", keyEnd);
      if (eq < 0) {
        throw new IllegalArgumentException(
            "ioreg line " + lineNo + ": expected '\"key\" = value', got: " + clip(line));
      }
      String key = line.substring(1, keyEnd);
      String value = line.substring(eq + 3).trim();
      try {
        current.property(key, value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("ioreg line " + lineNo + ": " + e.getMessage(), e);
      }
    }
    if (current != null) {
      result.add(current.build());
    }
    return List.copyOf(result);
  }

  /**
   * Parses an inline IORegistry dictionary such as {@code {"Device Utilization %"=2,"In use system
   * memory"=340983808}}, keeping its integer entries; strings, booleans, data and nested
   * collections are skipped.
   *
   * @param dictionary the value of a {@code "PerformanceStatistics"} line, braces included
   * @return its integer entries by key
   * @throws IllegalArgumentException if the dictionary is not well formed
   */
  public static PerformanceStatistics parseStatistics(String dictionary) {
    Cursor c = new Cursor(dictionary.trim());
    Map<String, Long> values = new LinkedHashMap<>();
    c.expect('{');
    if (!c.tryConsume('}')) {
      do {
        String key = c.quoted();
        c.expect('=');
        int start = c.pos;
        c.skipValue();
        String token = c.text.substring(start, c.pos).trim();
        parseLong(token).ifPresent(v -> values.put(key, v));
      } while (c.tryConsume(','));
      c.expect('}');
    }
    if (!c.atEnd()) {
      throw new IllegalArgumentException(
          "unexpected text after the dictionary at column " + (c.pos + 1));
    }
    return new PerformanceStatistics(values);
  }

  private static String stripTree(String raw) {
    int i = 0;
    while (i < raw.length() && (raw.charAt(i) == ' ' || raw.charAt(i) == '|')) {
      i++;
    }
    return raw.substring(i).trim();
  }

  /** The class in {@code "Name <class X, id …>"}, or the entry name if there is none. */
  private static String entryClass(String rest) {
    int cls = rest.indexOf("<class ");
    if (cls >= 0) {
      int end = cls + 7;
      while (end < rest.length() && rest.charAt(end) != ',' && rest.charAt(end) != '>') {
        end++;
      }
      return rest.substring(cls + 7, end).trim();
    }
    String name = rest.trim();
    int space = name.indexOf(' ');
    return space < 0 ? name : name.substring(0, space);
  }

  private static Optional<Long> parseLong(String token) {
    if (token.isEmpty()) {
      return Optional.empty();
    }
    for (int i = 0; i < token.length(); i++) {
      char ch = token.charAt(i);
      if (!(Character.isDigit(ch) || (i == 0 && ch == '-' && token.length() > 1))) {
        return Optional.empty();
      }
    }
    try {
      return Optional.of(Long.parseLong(token));
    } catch (NumberFormatException e) {
      return Optional.empty(); // out of range: not a value we can report faithfully
    }
  }

  private static String clip(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  private static final class Builder {
    private final String ioClass;
    private Optional<String> model = Optional.empty();
    private OptionalInt cores = OptionalInt.empty();
    private Optional<PerformanceStatistics> statistics = Optional.empty();

    Builder(String ioClass) {
      this.ioClass = ioClass;
    }

    void property(String key, String value) {
      switch (key) {
        case "PerformanceStatistics" -> {
          try {
            statistics = Optional.of(parseStatistics(value));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "malformed PerformanceStatistics of " + ioClass + ": " + e.getMessage(), e);
          }
        }
        case "model" -> model = unquote(value);
        case "gpu-core-count" -> {
          Optional<Long> n = parseLong(value);
          if (n.isEmpty() || n.get() < 0 || n.get() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                "gpu-core-count of " + ioClass + " is not a count: " + clip(value));
          }
          cores = OptionalInt.of(n.get().intValue());
        }
        default -> {}
      }
    }

    /** {@code "Apple M4"} or, on Intel Macs, data holding a C string: {@code <"Intel UHD">}. */
    private static Optional<String> unquote(String value) {
      String v = value;
      if (v.startsWith("<") && v.endsWith(">")) {
        v = v.substring(1, v.length() - 1);
      }
      if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
        String s = v.substring(1, v.length() - 1).trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
      }
      return Optional.empty(); // raw hex data: no readable name
    }

    IoregAccelerator build() {
      return new IoregAccelerator(ioClass, model, cores, statistics);
    }
  }

  /** A cursor over one inline IORegistry value. */
  private static final class Cursor {
    final String text;
    int pos;

    Cursor(String text) {
      this.text = text;
    }

    boolean atEnd() {
      return pos >= text.length();
    }

    void expect(char ch) {
      if (atEnd() || text.charAt(pos) != ch) {
        throw new IllegalArgumentException(
            "expected '"
                + ch
                + "' at column "
                + (pos + 1)
                + (atEnd() ? " but the text ended" : " but found '" + text.charAt(pos) + "'"));
      }
      pos++;
    }

    boolean tryConsume(char ch) {
      if (!atEnd() && text.charAt(pos) == ch) {
        pos++;
        return true;
      }
      return false;
    }

    String quoted() {
      expect('"');
      int end = text.indexOf('"', pos);
      if (end < 0) {
        throw new IllegalArgumentException("unterminated key at column " + pos);
      }
      String s = text.substring(pos, end);
      pos = end + 1;
      return s;
    }

    /** Skips one value: a quoted string, a bracketed collection, or a bare token. */
    void skipValue() {
      if (atEnd()) {
        throw new IllegalArgumentException("missing value at column " + (pos + 1));
      }
      char ch = text.charAt(pos);
      if (ch == '"') {
        quoted();
        return;
      }
      if (ch == '{' || ch == '(' || ch == '<') {
        skipBracketed();
        return;
      }
      int start = pos;
      while (!atEnd() && ",}".indexOf(text.charAt(pos)) < 0) {
        pos++;
      }
      if (pos == start) {
        throw new IllegalArgumentException("missing value at column " + (pos + 1));
      }
    }

    private void skipBracketed() {
      int startCol = pos + 1;
      StringBuilder closers = new StringBuilder();
      do {
        char ch = text.charAt(pos);
        if (ch == '"') {
          quoted();
          continue;
        }
        switch (ch) {
          case '{' -> closers.append('}');
          case '(' -> closers.append(')');
          case '<' -> closers.append('>');
          case '}', ')', '>' -> {
            if (closers.charAt(closers.length() - 1) != ch) {
              throw new IllegalArgumentException("mismatched '" + ch + "' at column " + (pos + 1));
            }
            closers.setLength(closers.length() - 1);
          }
          default -> {}
        }
        pos++;
      } while (closers.length() > 0 && !atEnd());
      if (closers.length() > 0) {
        throw new IllegalArgumentException("unclosed value opened at column " + startCol);
      }
    }
  }
}
