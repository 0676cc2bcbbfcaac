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
  /** {@code [Nx ]NAME (M GB[ FORM])}, N 1 to 999, M 1 to 9999; NAME never starts as a count. */
  private static final Pattern FORM =
      Pattern.compile(
          "(?:([1-9][0-9]{0,2})x )?((?![0-9]+x )\\S(?:.*\\S)? \\(([1-9][0-9]{0,3}) GB(?: [A-Za-z0-9]+)?\\))");

  /**
   * Reads a description.
   *
   * @param text the text as the API sent it
   * @return what it says, or empty when it is not of the documented form
   */
  static Optional<GpuDescription> parse(String text) {
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    OptionalInt count =
        m.group(1) == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(m.group(1)));
    return Optional.of(new GpuDescription(count, m.group(2), Integer.parseInt(m.group(3))));
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
