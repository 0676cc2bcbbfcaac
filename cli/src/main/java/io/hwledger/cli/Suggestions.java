package io.hwledger.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * "Did you mean": the known names closest to a mistyped one, for every unknown value the command
 * line reports (model, GPU, dtype, engine, subcommand, option). Stateless.
 *
 * <p>Names are compared case-insensitively, with surrounding spaces and leading dashes dropped, and
 * with {@code _} and a space read as {@code -}. Two kinds of match are suggested, at most {@value
 * #MAX} names, in this order:
 *
 * <ol>
 *   <li>names that the input begins, or that have the input as one of their {@code -}/{@code .}
 *       separated parts ({@code h100} → {@code h100-sxm-80gb}; {@code 4090} → {@code rtx-4090}), in
 *       the order given, when the input has at least two characters;
 *   <li>otherwise the names at the smallest edit distance, if that distance is at most {@code
 *       max(2, length / 3)} and less than the input's length ({@code bf61} → {@code bf16}).
 * </ol>
 *
 * <p>The distance is the optimal string alignment distance (Levenshtein plus the transposition of
 * two adjacent characters, each counted as one edit), so {@code plna} is one edit from {@code
 * plan}. Picocli's own suggestions are not used: its {@code CosineSimilarity} is private to {@code
 * CommandLine}, ranks in a map keyed by score (so names with equal scores hide one another), has no
 * threshold, and its option suggestions are every option sharing the first two letters.
 */
final class Suggestions {
  /** The most names suggested. */
  static final int MAX = 3;

  private static final Pattern PARTS = Pattern.compile("[-.]");

  private Suggestions() {}

  /** Up to {@value #MAX} names from {@code known} close to {@code input}, best first. */
  static List<String> closest(String input, Collection<String> known) {
    String typed = normalize(input);
    List<String> parts = new ArrayList<>();
    if (typed.length() >= 2) {
      for (String name : known) {
        if (parts.size() < MAX && isPartOf(typed, normalize(name))) {
          parts.add(name);
        }
      }
    }
    if (!parts.isEmpty()) {
      return List.copyOf(parts);
    }
    int threshold = Math.min(Math.max(2, typed.length() / 3), typed.length() - 1);
    int best = Integer.MAX_VALUE;
    List<String> nearest = new ArrayList<>();
    for (String name : known) {
      int d = distance(typed, normalize(name));
      if (d > threshold || d > best) {
        continue;
      }
      if (d < best) {
        best = d;
        nearest.clear();
      }
      if (nearest.size() < MAX) {
        nearest.add(name);
      }
    }
    return List.copyOf(nearest);
  }

  /**
   * {@code "; did you mean a, b or c?"} for the suggestions, or an empty string when there are
   * none.
   */
  static String didYouMean(List<String> suggestions) {
    return suggestions.isEmpty() ? "" : "; did you mean " + Usage.or(suggestions) + "?";
  }

  /**
   * The optimal string alignment distance: the fewest insertions, deletions, substitutions and
   * transpositions of adjacent characters that turn {@code a} into {@code b}, no substring edited
   * twice. Compares {@code char}s as given.
   */
  static int distance(String a, String b) {
    int n = a.length();
    int m = b.length();
    // Three rows of the dynamic-programming table: i-2, i-1 and i.
    int[] before = new int[m + 1];
    int[] previous = new int[m + 1];
    int[] current = new int[m + 1];
    for (int j = 0; j <= m; j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= n; i++) {
      current[0] = i;
      for (int j = 1; j <= m; j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int d = Math.min(Math.min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d = Math.min(d, before[j - 2] + 1);
        }
        current[j] = d;
      }
      int[] oldest = before;
      before = previous;
      previous = current;
      current = oldest;
    }
    return previous[m];
  }

  /** Whether {@code name} begins with {@code typed} or has it as a whole part. */
  private static boolean isPartOf(String typed, String name) {
    return name.startsWith(typed) || PARTS.splitAsStream(name).anyMatch(typed::equals);
  }

  private static String normalize(String name) {
    String s = name.strip().toLowerCase(Locale.ROOT).replace('_', '-').replace(' ', '-');
    int start = 0;
    while (start < s.length() && s.charAt(start) == '-') {
      start++;
    }
    return s.substring(start);
  }
}
