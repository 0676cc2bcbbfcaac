package io.hwledger.fleet.protocol;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One line of an agent's watch stream ({@code GET /v1/agents/{id}/watch}, newline-delimited JSON).
 * On connect the server sends a {@link Type#SNAPSHOT} of everything the agent should run, then
 * changes, and a {@link Type#KEEPALIVE} whenever the stream was idle for {@link
 * Protocol#KEEPALIVE_MILLIS}.
 *
 * @param v the protocol version
 * @param type what the line says
 * @param assignments for {@link Type#SNAPSHOT}: the whole desired state; otherwise null
 * @param assignment for {@link Type#ASSIGNED}: the new assignment; otherwise null
 * @param jobId for {@link Type#REMOVED}: the job to stop; otherwise null
 */
public record WatchEvent(
    int v,
    Type type,
    @Nullable List<Assignment> assignments,
    @Nullable Assignment assignment,
    @Nullable String jobId) {

  /** What a watch line says. */
  public enum Type {
    /** Everything the agent should run now. */
    SNAPSHOT,
    /** One more job to run. */
    ASSIGNED,
    /** A job to stop (cancelled or moved). */
    REMOVED,
    /** Nothing changed; the stream is alive. */
    KEEPALIVE
  }

  /**
   * Validates and copies.
   *
   * @param v the protocol version
   * @param type not null
   * @param assignments required for a snapshot
   * @param assignment required for an assignment
   * @param jobId required for a removal
   * @throws IllegalArgumentException naming what is missing
   */
  public WatchEvent {
    Protocol.checkVersion(v);
    if (type == null) {
      throw new IllegalArgumentException("type is missing");
    }
    if (type == Type.SNAPSHOT && assignments == null) {
      throw new IllegalArgumentException("assignments is missing");
    }
    assignments =
        assignments == null ? null : List.copyOf(Values.list(assignments, "assignments", 1024));
    if (type == Type.ASSIGNED && assignment == null) {
      throw new IllegalArgumentException("assignment is missing");
    }
    if (type == Type.REMOVED) {
      Values.text(jobId, "jobId", 64);
    }
  }

  /**
   * The full desired state.
   *
   * @param assignments every assignment
   * @return a snapshot line
   */
  public static WatchEvent snapshot(List<Assignment> assignments) {
    return new WatchEvent(Protocol.VERSION, Type.SNAPSHOT, assignments, null, null);
  }

  /**
   * One new assignment.
   *
   * @param assignment the assignment
   * @return an assignment line
   */
  public static WatchEvent assigned(Assignment assignment) {
    return new WatchEvent(Protocol.VERSION, Type.ASSIGNED, null, assignment, null);
  }

  /**
   * A job to stop.
   *
   * @param jobId the job
   * @return a removal line
   */
  public static WatchEvent removed(String jobId) {
    return new WatchEvent(Protocol.VERSION, Type.REMOVED, null, null, jobId);
  }

  /**
   * A keepalive.
   *
   * @return a keepalive line
   */
  public static WatchEvent keepalive() {
    return new WatchEvent(Protocol.VERSION, Type.KEEPALIVE, null, null, null);
  }
}
