package io.hwledger.rocm;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One GPU as {@code rocm-smi --json} or {@code amd-smi metric --json} reported it. Values the tool
 * printed as {@code N/A}, or did not print, are absent.
 *
 * @param index the tool's GPU index ({@code cardN} or {@code "gpu": N})
 * @param name the product name, where printed
 * @param uniqueId the unique id, where printed
 * @param pciBusId the PCI bus id, where printed
 * @param vramTotalBytes VRAM in total, bytes
 * @param vramUsedBytes VRAM in use, bytes
 * @param utilizationPercent GPU (graphics) activity, %
 * @param temperatureC edge temperature, else junction/hotspot, °C
 * @param powerWatts average or current socket power, W
 */
public record AmdToolReading(
    int index,
    Optional<String> name,
    Optional<String> uniqueId,
    Optional<String> pciBusId,
    OptionalLong vramTotalBytes,
    OptionalLong vramUsedBytes,
    OptionalDouble utilizationPercent,
    OptionalDouble temperatureC,
    OptionalDouble powerWatts) {

  /**
   * Checks that no optional is null.
   *
   * @param index the tool's GPU index
   * @param name the product name, if printed
   * @param uniqueId the unique id, if printed
   * @param pciBusId the PCI bus id, if printed
   * @param vramTotalBytes VRAM in total, bytes, if printed
   * @param vramUsedBytes VRAM in use, bytes, if printed
   * @param utilizationPercent GPU activity, %, if printed
   * @param temperatureC temperature, °C, if printed
   * @param powerWatts power, W, if printed
   */
  public AmdToolReading {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uniqueId, "uniqueId");
    Objects.requireNonNull(pciBusId, "pciBusId");
    Objects.requireNonNull(vramTotalBytes, "vramTotalBytes");
    Objects.requireNonNull(vramUsedBytes, "vramUsedBytes");
    Objects.requireNonNull(utilizationPercent, "utilizationPercent");
    Objects.requireNonNull(temperatureC, "temperatureC");
    Objects.requireNonNull(powerWatts, "powerWatts");
  }
}
