package io.hwledger.metal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser for one JSON value (RFC 8259), enough for {@code macmon pipe} lines: objects
 * become {@link Map}, arrays {@link List}, numbers {@link BigDecimal}, and {@code null} the {@link
 * #NULL} marker.
 */
final class MiniJson {

  /** Stands for JSON {@code null} (collections here hold no Java nulls). */
  static final Object NULL = new Object();

  private final String text;
  private int pos;

  private MiniJson(String text) {
    this.text = text;
  }

  /**
   * Parses {@code text} as exactly one JSON value.
   *
   * @throws IllegalArgumentException with the column, if it is not
   */
  static Object parse(String text) {
    MiniJson p = new MiniJson(text);
    p.ws();
    Object v = p.value();
    p.ws();
    if (p.pos != text.length()) {
      throw p.error("unexpected text after the value");
    }
    return v;
  }

  private Object value() {
    if (pos >= text.length()) {
      throw error("unexpected end of input");
    }
    char ch = text.charAt(pos);
    return switch (ch) {
      case '{' -> object();
      case '[' -> array();
      case '"' -> string();
      case 't' -> literal("true", true);
      case 'f' -> literal("false", false);
      case 'n' -> literal("null", NULL);
      default -> number();
    };
  }

  private Map<String, Object> object() {
    pos++;
    Map<String, Object> map = new LinkedHashMap<>();
    ws();
    if (peek('}')) {
      pos++;
      return Collections.unmodifiableMap(map);
    }
    while (true) {
      ws();
      if (!peek('"')) {
        throw error("expected a quoted key");
      }
      String key = string();
      ws();
      expect(':');
      ws();
      map.put(key, value());
      ws();
      if (peek(',')) {
        pos++;
        continue;
      }
      expect('}');
      return Collections.unmodifiableMap(map);
    }
  }

  private List<Object> array() {
    pos++;
    List<Object> list = new ArrayList<>();
    ws();
    if (peek(']')) {
      pos++;
      return Collections.unmodifiableList(list);
    }
    while (true) {
      ws();
      list.add(value());
      ws();
      if (peek(',')) {
        pos++;
        continue;
      }
      expect(']');
      return Collections.unmodifiableList(list);
    }
  }

  private String string() {
    pos++;
    StringBuilder sb = new StringBuilder();
    while (pos < text.length()) {
      char ch = text.charAt(pos++);
      if (ch == '"') {
        return sb.toString();
      }
      if (ch == '\\') {
        if (pos >= text.length()) {
          break;
        }
        char esc = text.charAt(pos++);
        switch (esc) {
          case '"', '\\', '/' -> sb.append(esc);
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            if (pos + 4 > text.length()) {
              throw error("truncated \\u escape");
            }
            try {
              sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
            } catch (NumberFormatException e) {
              throw error("bad \\u escape");
            }
            pos += 4;
          }
          default -> throw error("bad escape \\" + esc);
        }
      } else if (ch < 0x20) {
        throw error("control character in a string");
      } else {
        sb.append(ch);
      }
    }
    throw error("unterminated string");
  }

  private Object literal(String word, Object result) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected character '" + text.charAt(pos) + "'");
    }
    pos += word.length();
    return result;
  }

  private BigDecimal number() {
    int start = pos;
    char first = text.charAt(pos);
    if (first != '-' && (first < '0' || first > '9')) {
      throw error("unexpected character '" + first + "'");
    }
    if (peek('-')) {
      pos++;
    }
    while (pos < text.length() && "0123456789.eE+-".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
    String token = text.substring(start, pos);
    if (token.isEmpty() || !token.matches("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?")) {
      pos = start;
      throw error(
          token.isEmpty()
              ? "unexpected character '" + text.charAt(start) + "'"
              : "bad number '" + token + "'");
    }
    return new BigDecimal(token);
  }

  private void ws() {
    while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private boolean peek(char ch) {
    return pos < text.length() && text.charAt(pos) == ch;
  }

  private void expect(char ch) {
    if (!peek(ch)) {
      throw error("expected '" + ch + "'");
    }
    pos++;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("invalid JSON at column " + (pos + 1) + ": " + what);
  }
}
