package io.hwledger.fleet.protocol;

import java.util.List;

/**
 * A job placed on an agent: what the agent should be running. Level-triggered: the agent converges
 * its processes on the assignments it was last told of.
 *
 * @param jobId the job
 * @param gpuIndexes the placed GPUs' indexes, for {@code CUDA_VISIBLE_DEVICES} or {@code
 *     HIP_VISIBLE_DEVICES}
 * @param gpuUuids the placed GPUs' ids, in the same order
 * @param vendor the placed GPUs' vendor, which picks the visibility variable
 * @param command the engine's launch command ({@code hwledger export}); the agent runs it only if
 *     its executable is on the agent's own allowlist, never through a shell
 * @param claimBytesPerGpu the plan's memory per GPU, bytes
 */
public record Assignment(
    String jobId,
    List<Integer> gpuIndexes,
    List<String> gpuUuids,
    String vendor,
    List<String> command,
    long claimBytesPerGpu) {

  /**
   * Validates and copies.
   *
   * @param jobId 1 to 64 characters
   * @param gpuIndexes 1 to 64 indexes
   * @param gpuUuids as many ids as indexes
   * @param vendor 1 to 16 characters
   * @param command 1 to 256 arguments
   * @param claimBytesPerGpu at least 0
   * @throws IllegalArgumentException naming what is wrong
   */
  public Assignment {
    Values.text(jobId, "jobId", 64);
    gpuIndexes = List.copyOf(Values.list(gpuIndexes, "gpuIndexes", 64));
    gpuUuids = List.copyOf(Values.list(gpuUuids, "gpuUuids", 64));
    if (gpuIndexes.isEmpty() || gpuIndexes.size() != gpuUuids.size()) {
      throw new IllegalArgumentException("gpuIndexes and gpuUuids must be equally long, not empty");
    }
    Values.text(vendor, "vendor", 16);
    command = List.copyOf(Values.list(command, "command", 256));
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command is empty");
    }
    Values.atLeast(claimBytesPerGpu, 0, "claimBytesPerGpu");
  }
}
