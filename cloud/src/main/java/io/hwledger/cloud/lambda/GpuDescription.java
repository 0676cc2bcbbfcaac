package io.hwledger.cloud.lambda;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Lambda instance type's {@code description} ({@code 8x H100 (80 GB SXM5)}) or {@code
 * gpu_description} ({@code H100 (80 GB SXM5)}) says, read strictly: an optional count, the GPU as
 * Lambda names it, and its memory. Anything else is not read at all, so that an odd description is
 * reported, never half-understood.
 *
 * <p>Lambda's "GB" is the GPU's marketed size, which for every GPU it rents is binary: an "80 GB"
 * H100 has 80 GiB of HBM3 (nvidia-smi shows 81559 MiB), a "48 GB" A6000 48 GiB of GDDR6. So the
 * figure is read as GiB.
 *
 * @param count the count before {@code x}, when the text has one
 * @param gpuName the text without the count, e.g. {@code H100 (80 GB SXM5)}: the name the GPU table
 *     maps
 * @param memoryGib the memory of one GPU, GiB
 */
record GpuDescription(OptionalInt count, String gpuName, int memoryGib) {
  /** A count: 1 to 999 GPUs, then {@code x} and a space. */
  private static final Pattern COUNT = Pattern.compile("([1-9][0-9]{0,2})x ");

  /**
   * Reads a description of the form {@code [Nx ]NAME (M GB[ FORM])}.
   *
   * @param text the text as the API sent it
   * @return what it says, or empty when it is not of that form
   */
  static Optional<GpuDescription> parse(String text) {
    OptionalInt count = OptionalInt.empty();
    String rest = text;
    Matcher c = COUNT.matcher(text);
    if (c.lookingAt()) {
      count = OptionalInt.of(Integer.parseInt(c.group(1)));
      rest = text.substring(c.end());
    }
    int open = rest.lastIndexOf(" (");
    if (open <= 0 || !rest.endsWith(")")) {
      return Optional.empty();
    }
    String name = rest.substring(0, open);
    OptionalInt gib = memoryGib(rest.substring(open + 2, rest.length() - 1));
    int lead = leadingDigits(name);
    // A name never starts as a count would ("8x "): that is a count the pattern did not take.
    if (gib.isEmpty() || !name.equals(name.strip()) || (lead > 0 && name.startsWith("x ", lead))) {
      return Optional.empty();
    }
    return Optional.of(new GpuDescription(count, rest, gib.getAsInt()));
  }

  /**
   * What the parentheses hold: {@code M GB} or {@code M GB FORM}, M 1 to 9999 without a leading
   * zero, FORM letters and digits (read without a regular expression, so no input can make it
   * backtrack).
   */
  private static OptionalInt memoryGib(String inside) {
    int n = leadingDigits(inside);
    if (n == 0 || n > 4 || inside.charAt(0) == '0') {
      return OptionalInt.empty();
    }
    String after = inside.substring(n);
    boolean plain = after.equals(" GB");
    boolean withForm =
        after.startsWith(" GB ")
            && after.length() > 4
            && after.substring(4).chars().allMatch(GpuDescription::isAsciiLetterOrDigit);
    return plain || withForm
        ? OptionalInt.of(Integer.parseInt(inside.substring(0, n)))
        : OptionalInt.empty();
  }

  /** How many ASCII digits {@code text} starts with. */
  private static int leadingDigits(String text) {
    int i = 0;
    while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
      i++;
    }
    return i;
  }

  private static boolean isAsciiLetterOrDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  /**
   * The memory of one GPU.
   *
   * @return {@link #memoryGib()} in bytes
   */
  long memoryBytes() {
    return (long) memoryGib << 30;
  }
}
