package io.hwledger.traceability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The functional requirements of {@code docs/requirements.md}: every table row whose first cell is
 * an id {@code FR-<AREA>-<three digits>}, with the sentence in its second cell, in file order.
 */
final class Requirements {
  /** What a requirement id looks like, wherever one is named. */
  static final Pattern ID = Pattern.compile("FR-[A-Z]+-\\d{3}");

  private static final Pattern ROW =
      Pattern.compile("^\\|\\s*`?(FR-[^|`\\s]*)`?\\s*\\|\\s*([^|]*?)\\s*\\|.*$");

  private final Map<String, String> byId;

  private Requirements(Map<String, String> byId) {
    this.byId = Collections.unmodifiableMap(byId);
  }

  /**
   * Reads the list.
   *
   * @throws IllegalArgumentException naming the line of a malformed or repeated id, an empty
   *     sentence, or a file without requirements
   */
  static Requirements read(Path file) throws IOException {
    return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  static Requirements parse(String name, List<String> lines) {
    Map<String, String> byId = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher row = ROW.matcher(lines.get(i));
      if (!row.matches()) {
        continue;
      }
      String where = name + ":" + (i + 1);
      String id = row.group(1);
      if (!ID.matcher(id).matches()) {
        throw new IllegalArgumentException(
            where + ": " + id + " is not a requirement id (FR-<AREA>-<three digits>)");
      }
      if (row.group(2).isEmpty()) {
        throw new IllegalArgumentException(where + ": " + id + " has no sentence");
      }
      if (byId.putIfAbsent(id, row.group(2)) != null) {
        throw new IllegalArgumentException(where + ": " + id + " is listed twice");
      }
    }
    if (byId.isEmpty()) {
      throw new IllegalArgumentException(name + " lists no requirement (rows `| FR-… | … |`)");
    }
    return new Requirements(byId);
  }

  /** Ids in file order, each with its sentence. */
  Map<String, String> byId() {
    return byId;
  }

  boolean contains(String id) {
    return byId.containsKey(id);
  }
}
