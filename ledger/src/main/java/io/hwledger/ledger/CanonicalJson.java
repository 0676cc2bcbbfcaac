package io.hwledger.ledger;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The JSON Canonicalization Scheme (JCS) of RFC 8785: one byte sequence for every JSON value, so
 * that equal payloads hash equally whoever wrote them.
 *
 * <p>The canonical form has no whitespace, object members sorted by the UTF-16 code units of their
 * names (RFC 8785 §3.2.3), strings with only the escapes of §3.2.2.2, numbers written as
 * ECMAScript's {@code Number.prototype.toString} writes the IEEE 754 double they denote (§3.2.2.3),
 * and is encoded in UTF-8 (§3.2.4).
 *
 * <p>Input is parsed strictly: a duplicate member name, {@code NaN} or {@code Infinity}, a number
 * outside the double range, a lone surrogate (§3.2.2.2), content after the value, comments and
 * every other non-standard syntax are rejected with an {@link IllegalArgumentException} naming the
 * problem and, where the parser knows it, its line and column. {@link #canonicalize(String)}
 * accepts any JSON value at the top level, as RFC 8785 does; ledger payloads are further required
 * to be objects by {@link LedgerEvent}.
 *
 * <p><b>Numbers are doubles.</b> RFC 8785 follows I-JSON (RFC 7493) in treating every number as an
 * IEEE 754 double, so {@link #canonicalize(String)} turns an integer beyond 2<sup>53</sup> into the
 * nearest double, as the RFC requires: {@code 9007199254740993} canonicalises to {@code
 * 9007199254740992}. Ledger payloads are stricter ({@link #canonicalizeObject}): a number whose
 * canonical form has another value than the text written is refused rather than altered, so {@code
 * 1.0}, {@code 1e30} and {@code 0.1} are stored (as {@code 1}, {@code 1e+30}, {@code 0.1}, the same
 * values) and {@code 9007199254740993} or {@code 0.30000000000000001} are refused with a message
 * saying to send them as strings. Keeping the RFC's form keeps every payload's hash reproducible by
 * any RFC 8785 implementation.
 *
 * <p>Thread-safe and stateless.
 */
public final class CanonicalJson {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          // Decimal text is converted to a double once, from its exact value, below.
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  /** 2^53: every integer of smaller magnitude is a double exactly. */
  private static final double EXACT_INTEGER_LIMIT = 9007199254740992.0;

  private static final BigDecimal HALF = new BigDecimal("0.5");

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private CanonicalJson() {}

  /**
   * Canonicalises a JSON text of any value (object, array, string, number, literal).
   *
   * @param json strict JSON text holding one value
   * @return the canonical UTF-8 bytes
   * @throws IllegalArgumentException if {@code json} is not strict JSON or cannot be canonicalised
   */
  public static byte[] canonicalize(String json) {
    return canonicalize(parse(json));
  }

  /**
   * Canonicalises a JSON text of any value and returns the canonical text.
   *
   * @param json strict JSON text holding one value
   * @return the canonical form, as text
   * @throws IllegalArgumentException if {@code json} is not strict JSON or cannot be canonicalised
   */
  public static String toCanonicalString(String json) {
    return new String(canonicalize(json), StandardCharsets.UTF_8);
  }

  /**
   * The canonical text of a JSON object under the ledger's payload rule ({@link
   * LedgerEvent#of(String, int, String)}): a number whose canonical form would have another value
   * than the one written (an integer beyond 2^53, a decimal a double rounds) is refused, not
   * altered, so the text hashes the same in any RFC 8785 implementation.
   *
   * @param json strict JSON text holding one object
   * @return the canonical form, as text
   * @throws IllegalArgumentException if {@code json} is not strict JSON, not an object, or holds
   *     such a number
   */
  public static String canonicalObjectText(String json) {
    return new String(canonicalizeObject(json), StandardCharsets.UTF_8);
  }

  /**
   * Canonicalises a JSON text whose top-level value must be an object, refusing any number whose
   * canonical form would have another value than the one written (the ledger's payload rule).
   *
   * @throws IllegalArgumentException if {@code json} is not strict JSON, not an object, or holds
   *     such a number
   */
  static byte[] canonicalizeObject(String json) {
    JsonNode node = parse(json);
    if (!node.isObject()) {
      throw new IllegalArgumentException(
          "a JSON object is required at the top level, found " + describe(node));
    }
    StringBuilder out = new StringBuilder(128);
    write(node, out, true);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Canonicalises a Jackson tree. Kept out of the public API so Jackson is not part of it.
   *
   * @throws IllegalArgumentException if the tree holds a value JSON cannot express (NaN, infinity,
   *     binary or POJO nodes, lone surrogates)
   */
  static byte[] canonicalize(JsonNode node) {
    Objects.requireNonNull(node, "node");
    StringBuilder out = new StringBuilder(128);
    write(node, out, false);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode parse(String json) {
    Objects.requireNonNull(json, "json");
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "invalid JSON" + where(e.getLocation()) + ": " + e.getOriginalMessage(), e);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("invalid JSON number: " + e.getMessage(), e);
    }
    if (node == null || node.isMissingNode()) {
      throw new IllegalArgumentException("invalid JSON: no value in the input");
    }
    return node;
  }

  private static String where(JsonLocation location) {
    if (location == null || location.getLineNr() < 0) {
      return "";
    }
    return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private static String describe(JsonNode node) {
    return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Writes {@code node}; with {@code exact}, refuses numbers the canonical form would change. */
  private static void write(JsonNode node, StringBuilder out, boolean exact) {
    switch (node.getNodeType()) {
      case OBJECT -> writeObject(node, out, exact);
      case ARRAY -> {
        out.append('[');
        boolean first = true;
        for (JsonNode element : node) {
          if (!first) {
            out.append(',');
          }
          first = false;
          write(element, out, exact);
        }
        out.append(']');
      }
      case STRING -> writeString(node.textValue(), out);
      case NUMBER -> {
        String canonical = numberToString(toDouble(node));
        if (exact && exactValue(node).compareTo(new BigDecimal(canonical)) != 0) {
          throw new IllegalArgumentException(
              "number "
                  + node.asText()
                  + " cannot be stored exactly: RFC 8785 writes numbers as IEEE 754 doubles,"
                  + " which would make it "
                  + canonical
                  + "; send it as a string");
        }
        out.append(canonical);
      }
      case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
      case NULL -> out.append("null");
      default ->
          throw new IllegalArgumentException(
              "a " + describe(node) + " node has no JSON representation");
    }
  }

  private static BigDecimal exactValue(JsonNode number) {
    if (number.isBigDecimal()) {
      return number.decimalValue();
    }
    if (number.isBigInteger()) {
      return new BigDecimal(number.bigIntegerValue());
    }
    if (number.isIntegralNumber()) {
      return BigDecimal.valueOf(number.longValue());
    }
    return new BigDecimal(number.asText());
  }

  private static void writeObject(JsonNode node, StringBuilder out, boolean exact) {
    List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
    // RFC 8785 §3.2.3: names compare as arrays of UTF-16 code units, which is what
    // String.compareTo does (it compares chars, not code points, and ignores locale).
    members.sort(Map.Entry.comparingByKey());
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, JsonNode> member : members) {
      if (!first) {
        out.append(',');
      }
      first = false;
      writeString(member.getKey(), out);
      out.append(':');
      write(member.getValue(), out, exact);
    }
    out.append('}');
  }

  /** RFC 8785 §3.2.2.2, which is ECMAScript's JSON.stringify for strings. */
  private static void writeString(String s, StringBuilder out) {
    out.append('"');
    int length = s.length();
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        // §3.2.2.2: lone surrogates must make a compliant implementation fail.
        if (Character.isHighSurrogate(c)
            && i + 1 < length
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          out.append(c).append(s.charAt(++i));
          continue;
        }
        throw new IllegalArgumentException(
            String.format(
                "lone surrogate U+%04X at index %d of a string; JSON text must be valid Unicode",
                (int) c, i));
      }
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static double toDouble(JsonNode node) {
    double d;
    if (node.isBigDecimal()) {
      d = node.decimalValue().doubleValue();
    } else if (node.isBigInteger()) {
      d = node.bigIntegerValue().doubleValue();
    } else if (node.isIntegralNumber()) {
      // long to double rounds to nearest, ties to even, as parsing the digits would.
      d = (double) node.longValue();
    } else {
      d = node.doubleValue();
    }
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException(
          "number "
              + node.asText()
              + " is outside the IEEE 754 double range; RFC 8785 cannot"
              + " represent it");
    }
    return d;
  }

  /**
   * Writes a double as ECMAScript's {@code Number.prototype.toString} does (ECMA-262
   * Number::toString, radix 10), which RFC 8785 §3.2.2.3 adopts: the fewest significant digits that
   * read back as the same double, plain notation for 1e-6 &le; |x| &lt; 1e21 and exponent notation
   * otherwise, and {@code 0} for both zeros.
   *
   * @param d a finite double
   * @return its shortest round-tripping decimal, e.g. {@code 1e+30}, {@code 0.1}, {@code 5e-7}
   * @throws IllegalArgumentException for NaN and infinities
   */
  public static String numberToString(double d) {
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException(d + " has no JSON representation (RFC 8785 §3.2.2.3)");
    }
    if (d == 0) {
      return "0"; // both +0 and -0
    }
    if (Math.abs(d) < EXACT_INTEGER_LIMIT && d == Math.rint(d)) {
      // Below 2^53 every integer is exact and no shorter decimal reads back as it.
      return Long.toString((long) d);
    }
    StringBuilder out = new StringBuilder(26);
    if (d < 0) {
      out.append('-');
    }
    BigDecimal shortest = shortestDecimal(Math.abs(d)).stripTrailingZeros();
    String digits = shortest.unscaledValue().toString();
    int k = digits.length();
    // value = digits × 10^(n − k), in ECMA-262's names.
    int n = k - shortest.scale();
    if (k <= n && n <= 21) {
      out.append(digits);
      out.append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      out.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      out.append("0.").append("0".repeat(-n)).append(digits);
    } else {
      out.append(digits.charAt(0));
      if (k > 1) {
        out.append('.').append(digits, 1, k);
      }
      int exponent = n - 1;
      out.append('e').append(exponent < 0 ? '-' : '+').append(Math.abs(exponent));
    }
    return out.toString();
  }

  /**
   * The decimal with the fewest significant digits that reads back as {@code d} (positive, finite),
   * and of those the closest to {@code d}, ties to an even last digit: ECMA-262 Number::toString
   * step 5. JDK 17's {@code Double.toString} does not always give the shortest (JDK-4511638, fixed
   * in JDK 19), so the digits are searched for here.
   *
   * <p>A decimal reads back as {@code d} when it lies in {@code d}'s rounding interval, the
   * half-way points to its neighbours, ends included when {@code d}'s significand is even (round
   * half to even). At each length only the two neighbours of the exact value at that length can lie
   * in the interval, and if some length works every longer one does, so the length is found by
   * binary search, with exact comparisons and no parsing.
   */
  private static BigDecimal shortestDecimal(double d) {
    if (d >= Double.MIN_NORMAL) {
      // Fast path. For a normal double, rounding intervals are narrower than the gaps between
      // decimals of 15 significant digits (DBL_DIG), so at most one such decimal reads back as d;
      // if JDK's digits are that short they are that decimal, hence also the shortest.
      BigDecimal jdk = new BigDecimal(Double.toString(d)).stripTrailingZeros();
      if (jdk.precision() <= 15 && jdk.doubleValue() == d) {
        return jdk;
      }
    }
    BigDecimal exact = new BigDecimal(d);
    BigDecimal low = exact.add(new BigDecimal(Math.nextDown(d))).multiply(HALF);
    double next = Math.nextUp(d);
    BigDecimal high =
        Double.isFinite(next)
            ? exact.add(new BigDecimal(next)).multiply(HALF)
            : exact.add(new BigDecimal(Math.ulp(d)).multiply(HALF));
    boolean closed = (Double.doubleToRawLongBits(d) & 1) == 0;
    RoundingInterval interval = new RoundingInterval(low, high, closed);
    int shortest = 1;
    int longest = 17; // 17 significant digits always identify a double
    while (shortest < longest) {
      int p = (shortest + longest) >>> 1;
      if (closest(exact, p, interval) != null) {
        longest = p;
      } else {
        shortest = p + 1;
      }
    }
    BigDecimal result = closest(exact, shortest, interval);
    if (result == null) {
      throw new AssertionError("no 17-digit decimal reads back as " + d);
    }
    return result;
  }

  /** The decimals that round to one double. */
  private record RoundingInterval(BigDecimal low, BigDecimal high, boolean closed) {
    boolean contains(BigDecimal x) {
      int lo = x.compareTo(low);
      int hi = x.compareTo(high);
      return closed ? lo >= 0 && hi <= 0 : lo > 0 && hi < 0;
    }
  }

  /**
   * The {@code p}-digit decimal in {@code interval} closest to {@code exact}, ties to an even last
   * digit; null if neither neighbour of {@code exact} at {@code p} digits is in it.
   */
  private static BigDecimal closest(BigDecimal exact, int p, RoundingInterval interval) {
    BigDecimal down = exact.round(new MathContext(p, RoundingMode.DOWN));
    BigDecimal up = exact.round(new MathContext(p, RoundingMode.UP));
    boolean downIn = interval.contains(down);
    boolean upIn = interval.contains(up);
    if (downIn && upIn) {
      int cmp = exact.subtract(down).compareTo(up.subtract(exact));
      if (cmp != 0) {
        return cmp < 0 ? down : up;
      }
      return down.unscaledValue().testBit(0) ? up : down;
    }
    if (downIn) {
      return down;
    }
    return upIn ? up : null;
  }
}
