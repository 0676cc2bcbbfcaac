package io.hwledger.fleet.placement;

import io.hwledger.fleet.protocol.ModelFile;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An agent as the server sees it when it places a job.
 *
 * @param agentId the agent's id
 * @param ready whether the agent is ready: heartbeating, not cordoned, not lost
 * @param gpus its GPUs
 * @param models the model files it reported, by path
 */
public record AgentState(
    String agentId, boolean ready, List<GpuState> gpus, Map<String, ModelFile> models) {

  /**
   * An agent that reported no model files.
   *
   * @param agentId not blank
   * @param ready whether it is ready
   * @param gpus its GPUs
   */
  public AgentState(String agentId, boolean ready, List<GpuState> gpus) {
    this(agentId, ready, gpus, Map.of());
  }

  /**
   * Validates and copies.
   *
   * @param agentId not blank
   * @param ready whether it is ready
   * @param gpus its GPUs, copied; no two with the same uuid or index
   * @param models its model files by path, copied
   * @throws IllegalArgumentException if the id is blank or two GPUs share a uuid or index
   */
  public AgentState {
    Objects.requireNonNull(agentId, "agentId");
    if (agentId.isBlank()) {
      throw new IllegalArgumentException("agentId is blank");
    }
    gpus = List.copyOf(gpus);
    models = Map.copyOf(models);
    for (int i = 0; i < gpus.size(); i++) {
      for (int j = i + 1; j < gpus.size(); j++) {
        GpuState a = gpus.get(i);
        GpuState b = gpus.get(j);
        if (a.uuid().equals(b.uuid())) {
          throw new IllegalArgumentException(
              "agent " + agentId + " lists two GPUs with uuid " + a.uuid());
        }
        if (a.index() == b.index()) {
          throw new IllegalArgumentException(
              "agent " + agentId + " lists two GPUs with index " + a.index());
        }
      }
    }
  }

  /**
   * The model file the agent reported at {@code path}.
   *
   * @param path an absolute path
   * @return the file, readable or not; empty when the agent did not report it
   */
  public Optional<ModelFile> model(String path) {
    return Optional.ofNullable(models.get(path));
  }
}
