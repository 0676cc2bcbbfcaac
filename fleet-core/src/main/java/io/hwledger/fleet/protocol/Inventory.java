package io.hwledger.fleet.protocol;

import java.util.List;

/**
 * An agent's host and every GPU on it, sent after enrollment and whenever the set changes (a driver
 * installed later, a GPU lost): {@code PUT /v1/agents/{id}/inventory}.
 *
 * @param v the protocol version
 * @param host the host
 * @param gpus every GPU of every vendor on the host, at most 64
 */
public record Inventory(int v, HostFacts host, List<GpuInfo> gpus) {

  /**
   * Validates and copies.
   *
   * @param v the protocol version
   * @param host the host, not null
   * @param gpus the GPUs, at most 64, no repeated uuid
   * @throws IllegalArgumentException naming what is wrong
   */
  public Inventory {
    Protocol.checkVersion(v);
    if (host == null) {
      throw new IllegalArgumentException("host is missing");
    }
    gpus = List.copyOf(Values.list(gpus, "gpus", 64));
    if (gpus.stream().map(GpuInfo::uuid).distinct().count() != gpus.size()) {
      throw new IllegalArgumentException("gpus repeats a uuid");
    }
  }
}
