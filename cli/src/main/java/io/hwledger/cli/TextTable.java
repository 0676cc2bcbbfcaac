package io.hwledger.cli;

import io.hwledger.api.Printable;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: columns padded to their widest cell, separated by two spaces, each column
 * aligned left or right. Cells hold text from files (model names, paths, errors), so each is
 * escaped with {@link Printable#escape} as it is added. Rows are added in order and rendered once;
 * not thread-safe.
 */
final class TextTable {
  private final boolean[] rightAligned;
  private final List<String[]> rows = new ArrayList<>();

  /**
   * Creates a table whose column {@code i} is right-aligned when {@code alignment.charAt(i)} is
   * {@code 'r'} and left-aligned otherwise.
   */
  TextTable(String alignment) {
    rightAligned = new boolean[alignment.length()];
    for (int i = 0; i < rightAligned.length; i++) {
      rightAligned[i] = alignment.charAt(i) == 'r';
    }
  }

  /** Adds a row; it must have one cell per column. */
  TextTable row(String... cells) {
    if (cells.length != rightAligned.length) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells, table has " + rightAligned.length + " columns");
    }
    String[] row = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      row[i] = Printable.escape(cells[i]);
    }
    rows.add(row);
    return this;
  }

  /** Prints every row, each prefixed by {@code indent}, trailing spaces trimmed. */
  void print(PrintStream out, String indent) {
    int[] widths = new int[rightAligned.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder(indent);
      for (int i = 0; i < row.length; i++) {
        if (i > 0) {
          line.append("  ");
        }
        String pad = " ".repeat(widths[i] - row[i].length());
        line.append(rightAligned[i] ? pad + row[i] : row[i] + pad);
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
