package io.hwledger.fleet.protocol;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The model checkpoints an agent found under its model directories, sent after enrollment and
 * whenever they change: {@code PUT /v1/agents/{id}/models}.
 *
 * @param v the protocol version
 * @param files every checkpoint found, readable or not, at most {@value #MAX_FILES}
 */
public record ModelInventory(int v, List<ModelFile> files) {
  /** The most checkpoints one agent reports. */
  public static final int MAX_FILES = 256;

  /**
   * Validates and copies.
   *
   * @param v the protocol version
   * @param files at most {@value #MAX_FILES}, no path twice
   * @throws IllegalArgumentException naming what is wrong
   */
  public ModelInventory {
    Protocol.checkVersion(v);
    files = List.copyOf(Values.list(files, "files", MAX_FILES));
    Set<String> paths = new HashSet<>();
    for (ModelFile f : files) {
      if (!paths.add(f.path())) {
        throw new IllegalArgumentException("files lists " + f.path() + " twice");
      }
    }
  }
}
