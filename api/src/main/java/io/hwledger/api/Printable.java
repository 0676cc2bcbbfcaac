package io.hwledger.api;

import java.util.Locale;
import java.util.Objects;

/**
 * Text from untrusted files, made safe to print on a terminal: the one escaping rule of hwLedger.
 *
 * <p>A model file's name, architecture string, tensor names or directory names can hold terminal
 * escape sequences (an ESC sequence that moves the cursor can print a forged line above the real
 * answer) or bidirectional overrides that reorder what is shown. {@link #escape} writes every such
 * character as a visible escape instead:
 *
 * <ul>
 *   <li>C0 controls U+0000–U+001F and DEL U+007F: {@code \t}, {@code \n}, {@code \r}, else {@code
 *       \xNN} (e.g. ESC is {@code \x1b});
 *   <li>C1 controls U+0080–U+009F: {@code \xNN};
 *   <li>Unicode format characters (category Cf: the bidi embeddings and overrides U+202A–U+202E,
 *       the isolates U+2066–U+2069, marks such as U+200E, zero-width characters, tag characters)
 *       and the line and paragraph separators U+2028 and U+2029: <code>&#92;uNNNN</code>, or <code>
 *       &#92;UNNNNNNNN</code> above U+FFFF.
 * </ul>
 *
 * <p>Everything else, backslashes included, is kept, so escaping is idempotent: escaped text has
 * nothing left to escape. It lives in the API module, the one every other module (planner, ledger,
 * command line) depends on, so each uses the same rule.
 *
 * <p>Thread-safe and stateless.
 */
public final class Printable {
  private Printable() {}

  /**
   * A message fit for one line of output: line breaks (and the blanks around them) become {@code ";
   * "} and the rest is {@linkplain #escape escaped}; the exception's class name when the message is
   * null or blank ({@code "error"} when there is no exception either).
   *
   * @param message the message to show, usually {@code failure.getMessage()}; may be null
   * @param failure the exception it came from; may be null (a log record without one)
   * @return one escaped line
   */
  public static String oneLine(String message, Throwable failure) {
    if (message == null || message.isBlank()) {
      return failure == null ? "error" : failure.getClass().getSimpleName();
    }
    return escape(message.strip().replaceAll("\\s*\\R\\s*", "; "));
  }

  /**
   * {@code text} with every control, format and line-separator character escaped as described
   * above.
   *
   * @param text any text, e.g. a name read from a model file
   * @return the escaped text; {@code text} itself when nothing needed escaping
   */
  public static String escape(String text) {
    Objects.requireNonNull(text, "text");
    int i = 0;
    while (i < text.length()) {
      int c = text.codePointAt(i);
      if (needsEscape(c)) {
        break;
      }
      i += Character.charCount(c);
    }
    if (i == text.length()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
    while (i < text.length()) {
      int c = text.codePointAt(i);
      if (needsEscape(c)) {
        out.append(escapeOf(c));
      } else {
        out.appendCodePoint(c);
      }
      i += Character.charCount(c);
    }
    return out.toString();
  }

  /**
   * Whether {@link #escape} rewrites the code point {@code c}.
   *
   * @param c a Unicode code point
   * @return {@code true} for C0 and C1 controls, DEL, format characters (Cf) and U+2028, U+2029
   */
  public static boolean needsEscape(int c) {
    if (Character.isISOControl(c)) {
      return true;
    }
    int type = Character.getType(c);
    return type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }

  private static String escapeOf(int c) {
    switch (c) {
      case '\t':
        return "\\t";
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      default:
        if (c <= 0xFF) {
          return String.format(Locale.ROOT, "\\x%02x", c);
        }
        return c <= 0xFFFF
            ? String.format(Locale.ROOT, "\\u%04x", c)
            : String.format(Locale.ROOT, "\\U%08x", c);
    }
  }
}
