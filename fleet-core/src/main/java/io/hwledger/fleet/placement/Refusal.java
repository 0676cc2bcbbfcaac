package io.hwledger.fleet.placement;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A job no agent can take: why, for every candidate GPU of every agent.
 *
 * @param reasons at least one reason for each GPU in the fleet, in agent id then GPU index order;
 *     empty only when the fleet has no GPUs
 */
public record Refusal(List<Reason> reasons) implements Decision {

  /**
   * Copies.
   *
   * @param reasons the reasons; copied
   */
  public Refusal {
    reasons = List.copyOf(reasons);
  }

  /**
   * The refusal as text: a first line, then each reason's message on a line of its own.
   *
   * @return the message
   */
  public String message() {
    if (reasons.isEmpty()) {
      return "no GPU can take the job: the fleet has no GPUs";
    }
    long gpus = reasons.stream().map(r -> r.agentId() + "\u0000" + r.uuid()).distinct().count();
    return "no GPU can take the job ("
        + gpus
        + (gpus == 1 ? " candidate):" : " candidates):")
        + reasons.stream().map(r -> "\n  " + r.message()).collect(Collectors.joining());
  }
}
