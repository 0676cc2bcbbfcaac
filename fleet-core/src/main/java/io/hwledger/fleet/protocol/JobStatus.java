package io.hwledger.fleet.protocol;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An agent's report on a job it was assigned: {@code POST /v1/agents/{id}/jobs/{jobId}}.
 *
 * @param v the protocol version
 * @param jobId the job
 * @param state {@link JobState#RUNNING}, {@link JobState#EXITED}, {@link JobState#FAILED}, {@link
 *     JobState#REFUSED} or {@link JobState#CANCELLED}
 * @param pids the job's process and its descendants, while it runs
 * @param exitCode the exit status, once it ended
 * @param message why it failed or was refused, one line
 * @param logTail the last lines it printed, at most 4096 characters; kept in memory, never in the
 *     ledger
 */
public record JobStatus(
    int v,
    String jobId,
    JobState state,
    List<Long> pids,
    @Nullable Integer exitCode,
    @Nullable String message,
    @Nullable String logTail) {

  /** The longest log tail carried, characters. */
  public static final int MAX_LOG_TAIL = 4096;

  /**
   * Validates and copies.
   *
   * @param v the protocol version
   * @param jobId 1 to 64 characters
   * @param state not {@link JobState#PLACED} or {@link JobState#PENDING}, which only the server
   *     sets
   * @param pids at most 1024 ids
   * @param exitCode the exit status, or null
   * @param message at most 512 characters, or null
   * @param logTail at most {@value #MAX_LOG_TAIL} characters, or null
   * @throws IllegalArgumentException naming what is wrong
   */
  public JobStatus {
    Protocol.checkVersion(v);
    Values.text(jobId, "jobId", 64);
    if (state == null) {
      throw new IllegalArgumentException("state is missing");
    }
    if (state == JobState.PLACED || state == JobState.PENDING) {
      throw new IllegalArgumentException("an agent cannot report state " + state);
    }
    pids = List.copyOf(Values.list(pids == null ? List.of() : pids, "pids", 1024));
    if (message != null && message.length() > 512) {
      throw new IllegalArgumentException("message is longer than 512 characters");
    }
    if (logTail != null && logTail.length() > MAX_LOG_TAIL) {
      throw new IllegalArgumentException("logTail is longer than " + MAX_LOG_TAIL + " characters");
    }
  }
}
