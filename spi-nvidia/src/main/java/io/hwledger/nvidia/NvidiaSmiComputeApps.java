package io.hwledger.nvidia;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Parses the output of {@code nvidia-smi --query-compute-apps=}{@value #QUERY} {@code
 * --format=csv,noheader,nounits}: one line per process holding a context on a GPU, memory in MiB.
 * Cells follow {@link NvidiaSmiCsv}'s rules: {@code [N/A]} used memory (a Windows WDDM driver, and
 * so WSL, reports none per process) is absent, never 0. A line that says no process runs ({@code No
 * running processes found}) means none; blank lines are skipped; any other malformed line is an
 * error that names it.
 */
public final class NvidiaSmiComputeApps {

  /** The fields queried, in order. */
  public static final String QUERY = "gpu_uuid,pid,used_memory";

  private static final int FIELDS = 3;

  private NvidiaSmiComputeApps() {}

  /**
   * One process on one GPU.
   *
   * @param gpuUuid the GPU's {@code GPU-…} UUID, as {@link NvidiaSmiCsv.Row#uuid()} gives it
   * @param pid the process id on the host that ran nvidia-smi
   * @param usedMemoryBytes GPU memory the process holds (MiB converted to bytes), if reported
   */
  public record App(String gpuUuid, long pid, OptionalLong usedMemoryBytes) {

    /**
     * Checks the arguments.
     *
     * @param gpuUuid the GPU's UUID, not blank
     * @param pid the process id, at least 0
     * @param usedMemoryBytes GPU memory in bytes, if reported
     */
    public App {
      Objects.requireNonNull(gpuUuid, "gpuUuid");
      if (gpuUuid.isBlank()) {
        throw new IllegalArgumentException("gpuUuid must not be blank");
      }
      if (pid < 0) {
        throw new IllegalArgumentException("pid must not be negative, was " + pid);
      }
      Objects.requireNonNull(usedMemoryBytes, "usedMemoryBytes");
    }
  }

  /**
   * Parses the tool's whole output.
   *
   * @param output the tool's standard output
   * @return one entry per process line, in the tool's order; empty when no process runs
   * @throws IllegalArgumentException naming the line number and text of a malformed line
   */
  public static List<App> parse(String output) {
    Objects.requireNonNull(output, "output");
    return NvidiaSmiCsv.parseLines(output, NvidiaSmiComputeApps::parseLine);
  }

  private static Optional<App> parseLine(String line) {
    if (line.toLowerCase(Locale.ROOT).startsWith("no running")) {
      return Optional.empty();
    }
    String[] fields = NvidiaSmiCsv.fields(line, FIELDS);
    if (NvidiaSmiCsv.isUnavailable(fields[0])) {
      throw new IllegalArgumentException("gpu_uuid is missing");
    }
    long pid;
    try {
      pid = Long.parseLong(fields[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("pid is not an integer: \"" + fields[1] + "\"", e);
    }
    if (pid < 0) {
      throw new IllegalArgumentException("pid is negative: " + pid);
    }
    return Optional.of(new App(fields[0], pid, NvidiaSmiCsv.mebibytes("used_memory", fields[2])));
  }
}
