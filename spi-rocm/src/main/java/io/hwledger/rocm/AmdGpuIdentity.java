package io.hwledger.rocm;

import io.hwledger.spi.HostDevices;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one UUID of an AMD GPU, whichever backend or tool saw it. The unique id is printed three
 * ways: ROCm SMI's {@code rsmi_dev_unique_id_get} gives a number, amdgpu's sysfs {@code unique_id}
 * is {@code %016llx} (no {@code 0x}, leading zeros), and {@code rocm-smi --json} prints {@code
 * "Unique ID": "0x…"}. All are read as one unsigned 64-bit number and written {@code 0x} + lower
 * case hex without leading zeros. A GPU without a unique id is named by its PCI address, spelled as
 * {@link HostDevices#pciAddress(String)} spells it.
 */
public final class AmdGpuIdentity {
  private static final Pattern HEX = Pattern.compile("(?:0[xX])?0*([0-9a-fA-F]{1,16})");

  private AmdGpuIdentity() {}

  /**
   * The UUID of one AMD GPU.
   *
   * @param uniqueId the unique id as a backend or tool printed it, with or without {@code 0x}; one
   *     that is not 1 to 16 hex digits counts as absent
   * @param pciBusId the PCI bus id, in any spelling; one that is not a PCI address counts as absent
   * @param fallback the name to use when neither is known (a backend's per-index name)
   * @return {@code 0x…} from the unique id, else the PCI address, else {@code fallback}
   * @throws IllegalArgumentException if {@code fallback} is blank
   */
  public static String uuid(Optional<String> uniqueId, Optional<String> pciBusId, String fallback) {
    Objects.requireNonNull(uniqueId, "uniqueId");
    Objects.requireNonNull(pciBusId, "pciBusId");
    Objects.requireNonNull(fallback, "fallback");
    if (fallback.isBlank()) {
      throw new IllegalArgumentException("fallback must not be blank");
    }
    return uniqueId
        .flatMap(AmdGpuIdentity::normalisedUniqueId)
        .or(() -> pciBusId.flatMap(HostDevices::pciAddress))
        .orElse(fallback);
  }

  /**
   * A unique id from ROCm SMI's 64-bit value.
   *
   * @param value {@code rsmi_dev_unique_id_get}'s value, read as unsigned
   * @return {@code 0x} + lower case hex
   */
  static String fromRocmSmi(long value) {
    return "0x" + Long.toHexString(value);
  }

  private static Optional<String> normalisedUniqueId(String text) {
    Matcher m = HEX.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        fromRocmSmi(Long.parseUnsignedLong(m.group(1).toLowerCase(Locale.ROOT), 16)));
  }
}
