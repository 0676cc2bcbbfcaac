package io.hwledger.fleet.agent;

import io.hwledger.fleet.protocol.Assignment;
import io.hwledger.fleet.protocol.JobState;
import io.hwledger.fleet.protocol.JobStatus;
import io.hwledger.fleet.protocol.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the jobs the fleet server places on this agent, converging the processes on the assignments
 * it was last told of (level-triggered, FLEET.md §2).
 *
 * <p><b>Starting.</b> An assignment runs only if its executable ({@code argv[0]}) is on the agent's
 * own {@link Allowlist}, its job id is 1 to 64 of {@code [A-Za-z0-9_-]} (it names the log file),
 * and its vendor is {@code nvidia} or {@code amd}; otherwise it is {@link JobState#REFUSED} and
 * nothing runs. The process is started from an argument vector, never a shell, with {@code argv[0]}
 * replaced by the allowlisted absolute path and the other arguments passed as they are. It inherits
 * the agent's environment, plus the variables given to {@link Builder#environment(Map)}, with the
 * GPU visibility variables for its placement set last (see {@code JobEnvironment}: {@code
 * CUDA_VISIBLE_DEVICES} and {@code CUDA_DEVICE_ORDER=PCI_BUS_ID} for NVIDIA; {@code
 * ROCR_VISIBLE_DEVICES}, {@code HIP_VISIBLE_DEVICES} and {@code CUDA_VISIBLE_DEVICES} for AMD). Its
 * stdin is closed; stdout and stderr, merged, go to a log tail in memory (the last {@link
 * JobStatus#MAX_LOG_TAIL} characters) and to {@code jobs/<jobId>.log} under the data directory,
 * capped in size; the previous run's log is kept as {@code <jobId>.log.1}.
 *
 * <p><b>Stopping.</b> A listed job whose launch (GPU indexes, vendor, command) changed is stopped
 * and started again. A job no longer listed is stopped once the orphan grace (300 s by default) has
 * passed since a {@link #converge} first found it missing, so a briefly cut-off server does not
 * kill work; {@link #remove} stops at once. Stopping sends SIGTERM to the process and every
 * descendant, and SIGKILL to whatever is left after the stop grace (10 s by default); the job then
 * ends {@link JobState#CANCELLED}. When the job's own process ends by itself, descendants it left
 * are stopped the same way. A job that ended by itself (or was refused) is not started again while
 * it stays listed with the same launch: the server removes or changes it. A job the runner stopped
 * is started again if it is listed again.
 *
 * <p><b>Reporting.</b> The listener receives {@link JobState#RUNNING} (with the process ids), then
 * one of {@link JobState#EXITED} (status 0), {@link JobState#FAILED} (another status, or the
 * process could not start), {@link JobState#CANCELLED}, or {@link JobState#REFUSED}; terminal
 * reports carry the exit status, a one-line message where there is something to say, and the log
 * tail. For one job the reports arrive in that order. They are delivered from the thread calling
 * {@link #converge} (start, refusal) or from the job's own reader thread (the end), never while the
 * runner's lock is held; a listener may call back into the runner and should not block.
 *
 * <p><b>Threads.</b> Thread-safe: every method may be called from any thread. Each running job has
 * one reader thread, and there are at most 256 running jobs; one scheduler thread sends the delayed
 * SIGKILLs and, every second, learns each job's descendants and stops what a finished job left
 * behind. {@link #close()} stops every job and waits for them to end.
 */
public final class JobRunner implements AutoCloseable {

  /** How long a running job may stay unlisted before it is stopped, by default: 300 s. */
  public static final Duration DEFAULT_ORPHAN_GRACE = Duration.ofMinutes(5);

  /** How long a job has between SIGTERM and SIGKILL, by default. */
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);

  /** The largest log file a job writes, bytes, by default (16 MiB). */
  public static final long DEFAULT_LOG_CAP_BYTES = 16L << 20;

  /** The most jobs running at once; more are refused. */
  static final int MAX_JOBS = 256;

  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final long WATCH_MILLIS = 1000;
  private static final Duration REPORT_MARGIN = Duration.ofSeconds(5);
  private static final int MAX_MESSAGE = 512;
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

  private final Allowlist allowlist;
  private final Path jobsDir;
  private final Consumer<JobStatus> listener;
  private final Duration orphanGrace;
  private final Duration stopGrace;
  private final long logCapBytes;
  private final Map<String, String> environment;
  private final ScheduledExecutorService scheduler;
  private final ScheduledFuture<?> watch;

  // Guarded by this.
  private final Map<String, Job> running = new LinkedHashMap<>();
  private final Map<String, Assignment> ended = new HashMap<>();
  private boolean closed;

  /** Ended jobs whose last report is being delivered; close() waits for them. */
  private int reporting;

  private JobRunner(Builder b, Path jobsDir) {
    this.allowlist = b.allowlist;
    this.jobsDir = jobsDir;
    this.listener = b.listener;
    this.orphanGrace = b.orphanGrace;
    this.stopGrace = b.stopGrace;
    this.logCapBytes = b.logCapBytes;
    this.environment = Map.copyOf(b.environment);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "hwledger-job-runner");
              t.setDaemon(true);
              return t;
            });
    this.watch =
        scheduler.scheduleWithFixedDelay(
            this::watchJobs, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * A builder for a runner.
   *
   * @param allowlist the executables jobs may run
   * @param dataDir the agent's data directory; logs go to its {@code jobs} folder
   * @return a builder with the defaults
   */
  public static Builder builder(Allowlist allowlist, Path dataDir) {
    return new Builder(allowlist, dataDir);
  }

  /**
   * Converges the running jobs on the server's assignments for this agent: starts each listed job
   * that is not running (and has not ended with the same launch), restarts one whose launch
   * changed, and stops each unlisted one once the orphan grace has passed since a converge first
   * found it missing. Assignments after the first with the same job id are ignored.
   *
   * @param desired every assignment the server lists for this agent
   * @param now the time of this converge, for the orphan grace
   * @throws IllegalStateException once the runner is closed
   */
  public void converge(List<Assignment> desired, Instant now) {
    Objects.requireNonNull(desired, "desired");
    Objects.requireNonNull(now, "now");
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      checkOpen();
      Map<String, Assignment> wanted = new LinkedHashMap<>();
      for (Assignment a : desired) {
        if (wanted.putIfAbsent(a.jobId(), a) != null) {
          log.warn("job {} is listed twice; the first assignment counts", oneLine(a.jobId()));
        }
      }
      for (Assignment a : wanted.values()) {
        Job job = running.get(a.jobId());
        if (job != null) {
          job.missingSince = null;
          if (!sameLaunch(job.assignment, a)) {
            stop(job, "its assignment changed; it starts again with the new one");
          }
          continue;
        }
        Assignment last = ended.get(a.jobId());
        if (last != null && sameLaunch(last, a)) {
          continue;
        }
        ended.remove(a.jobId());
        after.add(start(a));
      }
      for (Job job : running.values()) {
        if (wanted.containsKey(job.id())) {
          continue;
        }
        if (job.missingSince == null) {
          job.missingSince = now;
        }
        if (!now.isBefore(job.missingSince.plus(orphanGrace))) {
          stop(job, "no longer assigned to this agent since " + job.missingSince);
        }
      }
      ended.keySet().retainAll(wanted.keySet());
    }
    after.forEach(Runnable::run);
  }

  /**
   * Stops a job at once: the server removed it or an operator cancelled it. It ends {@link
   * JobState#CANCELLED}. The caller drops it from the list it converges on too: a job still listed
   * at the next {@link #converge} after it ended is started again.
   *
   * @param jobId the job
   * @return whether it was running and is now being stopped
   */
  public synchronized boolean remove(String jobId) {
    Job job = running.get(jobId);
    return job != null && stop(job, "cancelled");
  }

  /**
   * The process ids of a running job, for matching per-process GPU memory: its own process and
   * every descendant still alive.
   *
   * @param jobId the job
   * @return at most 1024 ids, the job's own first; empty if it is not running
   */
  public List<Long> pids(String jobId) {
    Job job;
    synchronized (this) {
      job = running.get(jobId);
    }
    return job == null ? List.of() : job.pids();
  }

  /**
   * A running job's current status.
   *
   * @param jobId the job
   * @return {@link JobState#RUNNING} with its process ids and log tail, or empty if it is not
   *     running
   */
  public Optional<JobStatus> status(String jobId) {
    Job job;
    synchronized (this) {
      job = running.get(jobId);
    }
    return job == null
        ? Optional.empty()
        : Optional.of(status(job, JobState.RUNNING, null, null, job.output.tail()));
  }

  /**
   * The jobs running now, including those being stopped.
   *
   * @return their ids, in the order they started
   */
  public synchronized Set<String> jobIds() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(running.keySet()));
  }

  /**
   * Stops every job (SIGTERM, SIGKILL after the stop grace) and waits for them to end, at most the
   * stop grace and a few seconds; later calls do nothing. Their {@link JobState#CANCELLED} reports
   * are delivered before this returns, unless that wait ran out.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      for (Job job : running.values()) {
        stop(job, "the agent is shutting down");
      }
      long deadline = System.nanoTime() + stopGrace.plus(REPORT_MARGIN).toNanos();
      try {
        for (long left = deadline - System.nanoTime();
            (!running.isEmpty() || reporting > 0) && left > 0;
            left = deadline - System.nanoTime()) {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (!running.isEmpty()) {
        log.warn("jobs {} had not ended when the runner closed", running.keySet());
      }
    }
    watch.cancel(false);
    scheduler.shutdownNow();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the job runner is closed");
    }
  }

  private static boolean sameLaunch(Assignment a, Assignment b) {
    return a.gpuIndexes().equals(b.gpuIndexes())
        && a.vendor().equals(b.vendor())
        && a.command().equals(b.command());
  }

  /** Starts an assignment, under the lock; returns what to do once the lock is released. */
  private Runnable start(Assignment a) {
    String id = a.jobId();
    if (!JOB_ID.matcher(id).matches()) {
      return refuse(a, "job id '" + id + "' is not 1 to 64 of A-Z, a-z, 0-9, '_' and '-'");
    }
    String name = a.command().get(0);
    Optional<Path> executable = allowlist.resolve(name);
    if (executable.isEmpty()) {
      return refuse(a, "executable '" + name + "' is not on this agent's allowlist");
    }
    Map<String, String> visibility;
    try {
      visibility = JobEnvironment.visibility(a.vendor(), a.gpuIndexes());
    } catch (IllegalArgumentException e) {
      return refuse(a, e.getMessage());
    }
    if (running.size() >= MAX_JOBS) {
      return refuse(a, "this agent runs at most " + MAX_JOBS + " jobs at once");
    }
    List<String> argv = new ArrayList<>(a.command());
    argv.set(0, executable.get().toString());
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    JobEnvironment.CLEARED.forEach(env::remove);
    env.putAll(environment);
    env.putAll(visibility);

    @Nullable OutputStream logFile = openLog(id);
    Process process;
    try {
      process = builder.start();
    } catch (IOException | RuntimeException e) {
      closeQuietly(logFile);
      ended.put(id, a);
      log.warn("job {}: {} could not start: {}", id, executable.get(), e.toString());
      JobStatus failed =
          status(
              id,
              JobState.FAILED,
              List.of(),
              null,
              "could not start " + executable.get() + ": " + String.valueOf(e.getMessage()),
              null);
      return () -> report(failed);
    }
    closeQuietly(process.getOutputStream());
    Job job = new Job(a, process, new JobOutput(id, logFile, logCapBytes));
    running.put(id, job);
    Thread reader = new Thread(() -> follow(job), "hwledger-job-" + id);
    reader.setDaemon(true);
    JobStatus started = status(job, JobState.RUNNING, null, null, null);
    log.info(
        "job {}: started {} (pid {}) with {}", id, executable.get(), process.pid(), visibility);
    return () -> {
      report(started);
      reader.start();
    };
  }

  private Runnable refuse(Assignment a, String reason) {
    ended.put(a.jobId(), a);
    String message = oneLine(reason);
    log.warn("job {} refused: {}", oneLine(a.jobId()), message);
    JobStatus refused = status(a.jobId(), JobState.REFUSED, List.of(), null, message, null);
    return () -> report(refused);
  }

  private @Nullable OutputStream openLog(String id) {
    Path file = jobsDir.resolve(id + ".log");
    try {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        Files.move(
            file,
            jobsDir.resolve(id + ".log.1"),
            StandardCopyOption.REPLACE_EXISTING,
            LinkOption.NOFOLLOW_LINKS);
      }
      return Files.newOutputStream(
          file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      log.warn("job {}: no log file ({}); its output is kept in memory only", id, e.toString());
      return null;
    }
  }

  private boolean stop(Job job, String reason) {
    boolean stopping = job.stop(reason, stopGrace, scheduler);
    if (stopping) {
      log.info("job {}: stopping ({})", job.id(), reason);
    }
    return stopping;
  }

  /** The job's reader thread: drains its output, waits for it to end, and reports. */
  private void follow(Job job) {
    byte[] buffer = new byte[8192];
    try (InputStream in = job.process.getInputStream()) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        job.output.accept(buffer, n);
      }
    } catch (IOException e) {
      log.debug("job {}: reading its output ended: {}", job.id(), e.toString());
    }
    job.output.close();
    int exitCode = waitFor(job.process);
    List<ProcessHandle> left = job.stopLeftovers(stopGrace, scheduler);
    if (!left.isEmpty()) {
      log.info("job {}: its process ended; stopping {} it left behind", job.id(), pidsOf(left));
    }
    awaitExit(job, left.isEmpty() ? job.tree() : left);
    job.cancelEscalations();
    JobStatus last = finalStatus(job, exitCode, job.leftovers());
    // the runner forgets the job before it reports the end, so a listener that asks sees it gone
    synchronized (this) {
      running.remove(job.id(), job);
      if (job.stopReason() == null) {
        ended.put(job.id(), job.assignment);
      }
      reporting++;
    }
    try {
      report(last);
    } finally {
      synchronized (this) {
        reporting--;
        notifyAll();
      }
    }
  }

  private JobStatus finalStatus(Job job, int exitCode, int leftovers) {
    String stopReason = job.stopReason();
    String killed =
        job.killed() ? "; SIGKILL after " + stopGrace.toMillis() + " ms without exiting" : "";
    String left = leftovers > 0 ? "; stopped " + leftovers + " process(es) it left running" : "";
    JobState state;
    String message;
    if (stopReason != null) {
      state = JobState.CANCELLED;
      message = stopReason + killed;
    } else if (exitCode == 0) {
      state = JobState.EXITED;
      message = left.isEmpty() ? null : left.substring(2) + killed;
    } else {
      state = JobState.FAILED;
      message = "exited with status " + exitCode + left + killed;
    }
    log.info("job {}: {} (exit status {})", job.id(), state, exitCode);
    return status(job, state, exitCode, message, job.output.tail());
  }

  private static int waitFor(Process process) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return process.waitFor();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Waits for processes the runner is stopping, at most the stop grace and a margin. */
  private void awaitExit(Job job, List<ProcessHandle> handles) {
    long deadline = System.nanoTime() + stopGrace.plus(REPORT_MARGIN).toNanos();
    for (ProcessHandle h : handles) {
      try {
        h.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        log.warn("job {}: process {} is still alive; reporting the job ended", job.id(), h.pid());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Every second: learns running jobs' descendants, stops what finished jobs left behind. */
  private void watchJobs() {
    List<Job> jobs;
    synchronized (this) {
      jobs = new ArrayList<>(running.values());
    }
    for (Job job : jobs) {
      try {
        if (job.process.isAlive()) {
          job.tree();
        } else {
          List<ProcessHandle> left = job.stopLeftovers(stopGrace, scheduler);
          if (!left.isEmpty()) {
            log.info(
                "job {}: its process ended; stopping {} it left behind", job.id(), pidsOf(left));
          }
        }
      } catch (RuntimeException e) {
        log.warn("job {}: watching its processes failed: {}", job.id(), e.toString());
      }
    }
  }

  private static List<Long> pidsOf(List<ProcessHandle> handles) {
    List<Long> pids = new ArrayList<>();
    handles.forEach(h -> pids.add(h.pid()));
    return pids;
  }

  private void report(JobStatus status) {
    try {
      listener.accept(status);
    } catch (RuntimeException e) {
      log.warn("job {}: the status listener failed on {}", status.jobId(), status.state(), e);
    }
  }

  private static JobStatus status(
      Job job,
      JobState state,
      @Nullable Integer exitCode,
      @Nullable String message,
      @Nullable String tail) {
    return status(job.id(), state, job.pids(), exitCode, message, tail);
  }

  private static JobStatus status(
      String jobId,
      JobState state,
      List<Long> pids,
      @Nullable Integer exitCode,
      @Nullable String message,
      @Nullable String tail) {
    return new JobStatus(
        Protocol.VERSION,
        jobId,
        state,
        pids,
        exitCode,
        message == null ? null : oneLine(message),
        tail);
  }

  /** Control characters become spaces; at most 512 characters. */
  static String oneLine(String text) {
    StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_MESSAGE));
    for (int i = 0; i < text.length() && b.length() < MAX_MESSAGE; i++) {
      char c = text.charAt(i);
      b.append(Character.isISOControl(c) ? ' ' : c);
    }
    return b.toString();
  }

  private static void closeQuietly(@Nullable AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      log.debug("closing {} failed: {}", closeable, e.toString());
    }
  }

  /**
   * Configures a {@link JobRunner}: one per agent. Setters check their argument at once.
   *
   * <p>Not thread-safe; {@link #build()} may be called more than once.
   */
  public static final class Builder {
    private final Allowlist allowlist;
    private final Path dataDir;
    private Consumer<JobStatus> listener = s -> {};
    private Duration orphanGrace = DEFAULT_ORPHAN_GRACE;
    private Duration stopGrace = DEFAULT_STOP_GRACE;
    private long logCapBytes = DEFAULT_LOG_CAP_BYTES;
    private Map<String, String> environment = Map.of();

    private Builder(Allowlist allowlist, Path dataDir) {
      this.allowlist = Objects.requireNonNull(allowlist, "allowlist");
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    }

    /**
     * Where job reports go (by default nowhere).
     *
     * @param listener called once per state change, see {@link JobRunner}
     * @return this builder
     */
    public Builder listener(Consumer<JobStatus> listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * How long a running job may stay unlisted before it is stopped.
     *
     * @param grace at least 0; {@link #DEFAULT_ORPHAN_GRACE} by default
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder orphanGrace(Duration grace) {
      this.orphanGrace = nonNegative(grace, "orphanGrace");
      return this;
    }

    /**
     * How long a stopped job has between SIGTERM and SIGKILL.
     *
     * @param grace at least 0; {@link #DEFAULT_STOP_GRACE} by default
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder stopGrace(Duration grace) {
      this.stopGrace = nonNegative(grace, "stopGrace");
      return this;
    }

    /**
     * The largest log file one job writes; past it, a marker line and nothing more.
     *
     * @param bytes at least 0; {@link #DEFAULT_LOG_CAP_BYTES} by default
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder logCapBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("logCapBytes must be at least 0, was " + bytes);
      }
      this.logCapBytes = bytes;
      return this;
    }

    /**
     * Variables every job gets on top of the agent's own environment (the GPU visibility variables
     * of its placement still win).
     *
     * @param environment names to values; a name is not empty and holds no {@code =}, and neither
     *     holds a NUL character
     * @return this builder
     * @throws IllegalArgumentException naming a bad name or value
     */
    public Builder environment(Map<String, String> environment) {
      Objects.requireNonNull(environment, "environment");
      environment.forEach(
          (k, v) -> {
            if (k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0) {
              throw new IllegalArgumentException("environment name '" + oneLine(k) + "' is bad");
            }
            if (v.indexOf('\0') >= 0) {
              throw new IllegalArgumentException("environment variable " + k + " holds a NUL");
            }
          });
      this.environment = Map.copyOf(environment);
      return this;
    }

    /**
     * Creates the data directory's {@code jobs} folder (owner-only where the file system has POSIX
     * permissions) and the runner.
     *
     * @return a running runner; close it
     * @throws IOException if the folder cannot be created
     */
    public JobRunner build() throws IOException {
      Path jobs = dataDir.resolve("jobs");
      if (!Files.isDirectory(jobs)) {
        Files.createDirectories(jobs);
        try {
          Files.setPosixFilePermissions(jobs, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
          log.debug("{} has no POSIX permissions", jobs);
        }
      }
      return new JobRunner(this, jobs);
    }

    private static Duration nonNegative(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must be at least 0, was " + d);
      }
      return d;
    }
  }
}
