package io.hwledger.fleet.agent;

import io.hwledger.fleet.protocol.Assignment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One started job: its process, the descendants seen so far, its output, and why it is being
 * stopped.
 *
 * <p>Descendants are learned whenever the tree is looked at (start, {@link JobRunner#pids}, the
 * runner's periodic watch, a stop): once a process's parent has died it is no longer anyone's
 * descendant, so the set remembers each one seen until it exits. One whose parent dies before it
 * was ever seen cannot be found (the JVM cannot make itself a subreaper).
 */
final class Job {

  private static final int MAX_PIDS = 1024;

  final Assignment assignment;
  final Process process;
  final JobOutput output;
  private final Set<ProcessHandle> known = ConcurrentHashMap.newKeySet();
  private volatile @Nullable String stopReason;
  private final AtomicBoolean killed = new AtomicBoolean();
  private final AtomicBoolean leftoversStopped = new AtomicBoolean();
  private final Queue<Future<?>> escalations = new ConcurrentLinkedQueue<>();
  private volatile int leftovers;

  /** When a converge first found it unlisted; null while listed. Guarded by the runner. */
  @Nullable Instant missingSince;

  Job(Assignment assignment, Process process, JobOutput output) {
    this.assignment = assignment;
    this.process = process;
    this.output = output;
  }

  String id() {
    return assignment.jobId();
  }

  @Nullable String stopReason() {
    return stopReason;
  }

  /** Whether a stop's grace ran out and SIGKILL was sent. */
  boolean killed() {
    return killed.get();
  }

  /**
   * The job's live processes: its own, then every descendant seen so far that is still alive.
   * Refreshes what is known.
   */
  List<ProcessHandle> tree() {
    ProcessHandle main = process.toHandle();
    if (main.isAlive()) {
      main.descendants().forEach(known::add);
    }
    known.removeIf(h -> !h.isAlive());
    List<ProcessHandle> tree = new ArrayList<>();
    if (main.isAlive()) {
      tree.add(main);
    }
    tree.addAll(known);
    return tree;
  }

  /** Process ids of {@link #tree()}, at most 1024 (what a status carries). */
  List<Long> pids() {
    return tree().stream().map(ProcessHandle::pid).limit(MAX_PIDS).collect(Collectors.toList());
  }

  /**
   * Starts stopping the whole tree, once: SIGTERM now, SIGKILL after the grace to whatever is left.
   *
   * @return false if a stop was already under way
   */
  boolean stop(String reason, Duration grace, ScheduledExecutorService scheduler) {
    synchronized (this) {
      if (stopReason != null) {
        return false;
      }
      stopReason = reason;
    }
    terminate(tree(), grace, scheduler);
    return true;
  }

  /**
   * Stops the descendants left alive after the job's own process ended, once.
   *
   * @return what was left, empty if nothing or if it was done already
   */
  List<ProcessHandle> stopLeftovers(Duration grace, ScheduledExecutorService scheduler) {
    List<ProcessHandle> left = tree();
    if (left.isEmpty() || !leftoversStopped.compareAndSet(false, true)) {
      return List.of();
    }
    leftovers = left.size();
    terminate(left, grace, scheduler);
    return left;
  }

  /** How many processes {@link #stopLeftovers} found and stopped. */
  int leftovers() {
    return leftovers;
  }

  private void terminate(List<ProcessHandle> handles, Duration grace, ScheduledExecutorService s) {
    for (ProcessHandle h : handles) {
      h.destroy();
    }
    try {
      escalations.add(s.schedule(() -> kill(handles), grace.toMillis(), TimeUnit.MILLISECONDS));
    } catch (RejectedExecutionException e) {
      kill(handles);
    }
  }

  /** Cancels pending SIGKILLs once nothing of the job is left to kill. */
  void cancelEscalations() {
    for (Future<?> f = escalations.poll(); f != null; f = escalations.poll()) {
      f.cancel(false);
    }
  }

  private void kill(List<ProcessHandle> handles) {
    Set<ProcessHandle> left = new LinkedHashSet<>();
    for (ProcessHandle h : handles) {
      if (h.isAlive()) {
        left.add(h);
        h.descendants().forEach(left::add);
      }
    }
    left.addAll(tree());
    if (!left.isEmpty()) {
      // Before the signal: the reader may report the end as soon as the process dies.
      killed.set(true);
    }
    for (ProcessHandle h : left) {
      h.destroyForcibly();
    }
  }
}
