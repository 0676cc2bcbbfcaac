package io.hwledger.fleet.protocol;

/**
 * What an agent says about its host when it enrolls and when its GPUs change.
 *
 * @param hostname the host's name as the agent sees it; informational, never an identity
 * @param os the operating system ({@code os.name})
 * @param arch the CPU architecture ({@code os.arch})
 * @param cpus logical processors
 * @param memoryBytes physical memory, bytes; 0 when unknown
 */
public record HostFacts(String hostname, String os, String arch, int cpus, long memoryBytes) {

  /**
   * Validates.
   *
   * @param hostname the host's name, 1 to 253 characters
   * @param os the operating system
   * @param arch the CPU architecture
   * @param cpus logical processors, at least 1
   * @param memoryBytes physical memory, bytes, at least 0
   * @throws IllegalArgumentException naming the first invalid value
   */
  public HostFacts {
    Values.text(hostname, "hostname", 253);
    Values.text(os, "os", 64);
    Values.text(arch, "arch", 64);
    Values.atLeast(cpus, 1, "cpus");
    Values.atLeast(memoryBytes, 0, "memoryBytes");
  }
}
