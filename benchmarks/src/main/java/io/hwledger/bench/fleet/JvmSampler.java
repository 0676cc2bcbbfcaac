package io.hwledger.bench.fleet;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Samples the JVM the server and the harness share: process CPU time, each live thread's CPU time
 * (grouped by name prefix, so the server's threads are told from the agents' HTTP clients and the
 * harness's own), heap used, threads, garbage collection; and, when asked, the server threads'
 * states and stacks, to show where they wait. Runs on its own thread; call {@link #start}, then
 * {@link #stop} and read the results.
 */
final class JvmSampler implements Runnable {
  /** Thread groups by name prefix; the first match wins. */
  static final Map<String, String> GROUPS = groups();

  private static final int STACK_DEPTH = 24;

  private static final Path PROC_STAT = Path.of("/proc/stat");
  private static final Path PROC_SELF_STAT = Path.of("/proc/self/stat");

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final int profileHz;
  private final Function<String, String> grouping;
  private final Thread thread;
  private volatile boolean running = true;

  /** CPU nanoseconds of each thread when first seen (0 when born after the start) and last seen. */
  private final Map<Long, long[]> cpu = new HashMap<>();

  private final Map<Long, String> names = new HashMap<>();
  private long[] machineStart = new long[4];
  private long[] machineEnd = new long[4];
  private long processCpuStart;
  private long processCpuEnd;
  private long gcCountStart;
  private long gcMillisStart;
  private long gcCountEnd;
  private long gcMillisEnd;
  private long maxHeapUsed;
  private int maxThreads;
  private long stackSamples;
  private final Map<String, Long> states = new TreeMap<>();
  private final Map<String, Long> sites = new HashMap<>();

  JvmSampler(int profileHz) {
    this(profileHz, JvmSampler::group);
  }

  /**
   * A sampler with its own thread groups, for other harnesses ({@link SshPollLoad}).
   *
   * @param profileHz how often the fleet server's threads' stacks are sampled; 0 for never
   * @param grouping a thread's group from its name
   */
  JvmSampler(int profileHz, Function<String, String> grouping) {
    this.profileHz = profileHz;
    this.grouping = grouping;
    this.thread = new Thread(this, "load-sampler");
    this.thread.setDaemon(true);
  }

  private static Map<String, String> groups() {
    Map<String, String> g = new LinkedHashMap<>();
    g.put("fleet-http", "server: Jetty threads (fleet-http)");
    g.put("fleet-timers", "server: timers (fleet-timers)");
    g.put("hwledger-writer", "server: ledger writer (hwledger-writer)");
    g.put("HttpClient-", "agents: JDK HttpClient worker threads");
    g.put("load-watch", "harness: watch stream readers (load-watch)");
    g.put("load-send", "harness: request senders (load-send)");
    g.put("load-", "harness: clock, admin, sampler (load-)");
    return g;
  }

  static String group(String threadName) {
    if (threadName.startsWith("HttpClient-") && threadName.endsWith("-SelectorManager")) {
      return "agents: JDK HttpClient selector threads (one per client)";
    }
    for (Map.Entry<String, String> e : GROUPS.entrySet()) {
      if (threadName.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return "other Java threads (main, Jetty's scheduler, JVM service threads)";
  }

  /** Takes the starting figures and starts sampling. */
  synchronized void start() {
    machineStart = machineJiffies();
    processCpuStart = os.getProcessCpuTime();
    long[] gc = gc();
    gcCountStart = gc[0];
    gcMillisStart = gc[1];
    for (long id : threads.getAllThreadIds()) {
      long t = threads.getThreadCpuTime(id);
      if (t >= 0) {
        cpu.put(id, new long[] {t, t});
      }
    }
    nameNew();
    thread.start();
  }

  @Override
  public void run() {
    long periodNanos =
        profileHz > 0 ? TimeUnit.SECONDS.toNanos(1) / profileHz : TimeUnit.SECONDS.toNanos(1);
    long nextCpu = System.nanoTime();
    while (running) {
      long now = System.nanoTime();
      if (now >= nextCpu) {
        sampleCpu();
        nextCpu = now + TimeUnit.SECONDS.toNanos(1);
      }
      if (profileHz > 0) {
        sampleStacks();
      }
      try {
        TimeUnit.NANOSECONDS.sleep(periodNanos);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private synchronized void sampleCpu() {
    for (long id : threads.getAllThreadIds()) {
      long t = threads.getThreadCpuTime(id);
      if (t < 0) {
        continue;
      }
      long[] c = cpu.get(id);
      if (c == null) {
        cpu.put(id, new long[] {0, t});
      } else {
        c[1] = t;
      }
    }
    nameNew();
    maxHeapUsed = Math.max(maxHeapUsed, memory.getHeapMemoryUsage().getUsed());
    maxThreads = Math.max(maxThreads, threads.getThreadCount());
  }

  private void nameNew() {
    List<Long> unnamed = new ArrayList<>();
    for (Long id : cpu.keySet()) {
      if (!names.containsKey(id)) {
        unnamed.add(id);
      }
    }
    long[] ids = unnamed.stream().mapToLong(Long::longValue).toArray();
    for (ThreadInfo info : threads.getThreadInfo(ids, 0)) {
      if (info != null) {
        names.put(info.getThreadId(), info.getThreadName());
      }
    }
  }

  private void sampleStacks() {
    List<Long> server = new ArrayList<>();
    synchronized (this) {
      names.forEach(
          (id, name) -> {
            if (name.startsWith("fleet-") || name.startsWith("hwledger-writer")) {
              server.add(id);
            }
          });
    }
    ThreadInfo[] infos =
        threads.getThreadInfo(server.stream().mapToLong(Long::longValue).toArray(), STACK_DEPTH);
    Map<Long, ThreadInfo> byId = new HashMap<>();
    for (ThreadInfo i : infos) {
      if (i != null) {
        byId.put(i.getThreadId(), i);
      }
    }
    synchronized (this) {
      stackSamples++;
      for (ThreadInfo i : byId.values()) {
        String state = stateOf(i);
        states.merge(state, 1L, Long::sum);
        if (state.startsWith("idle")) {
          continue;
        }
        String site = state + " | " + site(i);
        if (i.getThreadState() == Thread.State.BLOCKED && i.getLockOwnerId() >= 0) {
          ThreadInfo owner = byId.get(i.getLockOwnerId());
          site +=
              " | lock held by " + (owner == null ? i.getLockOwnerName() : "thread " + site(owner));
        }
        sites.merge(site, 1L, Long::sum);
      }
    }
  }

  /**
   * A thread's state, with the idle ones told apart: selectors polling, the acceptor, and pool,
   * timer and ledger-writer threads waiting for work (waiting with none of the project's frames on
   * the stack; a request thread waiting inside the project's code is not idle).
   */
  private static String stateOf(ThreadInfo i) {
    StackTraceElement[] s = i.getStackTrace();
    String top = s.length == 0 ? "" : s[0].getClassName() + "." + s[0].getMethodName();
    if (top.contains("EPoll") || top.contains("SelectorImpl")) {
      return "idle: selector poll";
    }
    if (top.endsWith("Net.accept")) {
      return "idle: acceptor";
    }
    Thread.State state = i.getThreadState();
    boolean waiting = state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
    if (waiting && i.getThreadName().startsWith("hwledger-writer")) {
      return "idle: ledger writer waiting for appends";
    }
    if (waiting && !ownCode(s)) {
      return i.getThreadName().startsWith("fleet-timers")
          ? "idle: timer queue"
          : "idle: thread pool";
    }
    return state.name();
  }

  private static boolean ownCode(StackTraceElement[] s) {
    for (StackTraceElement e : s) {
      if (e.getClassName().startsWith("io.hwledger.")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The top frame, the innermost frame of the project's own code, and the fleet method that led
   * there, when they differ: {@code Unsafe.park ← Ledger.append:170 ← Fleet.telemetry:349}.
   */
  private static String site(ThreadInfo i) {
    StackTraceElement[] s = i.getStackTrace();
    if (s.length == 0) {
      return "(no stack)";
    }
    StringBuilder out = new StringBuilder(frame(s[0]));
    int own = -1;
    for (int k = 0; k < s.length && own < 0; k++) {
      if (s[k].getClassName().startsWith("io.hwledger.")) {
        own = k;
      }
    }
    if (own > 0) {
      out.append(" ← ").append(frame(s[own]));
    }
    for (int k = Math.max(own, 0) + 1; own >= 0 && k < s.length; k++) {
      StackTraceElement e = s[k];
      if (e.getClassName().equals("io.hwledger.fleet.server.Fleet")
          && !e.getMethodName().equals("record")
          && !e.getMethodName().startsWith("lambda$")) {
        out.append(" ← ").append(frame(e));
        break;
      }
    }
    return out.toString();
  }

  private static String frame(StackTraceElement e) {
    String c = e.getClassName();
    return c.substring(c.lastIndexOf('.') + 1) + "." + e.getMethodName() + ":" + e.getLineNumber();
  }

  /** Stops sampling and takes the final figures. */
  void stop() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      sampleCpu();
      processCpuEnd = os.getProcessCpuTime();
      machineEnd = machineJiffies();
      long[] gc = gc();
      gcCountEnd = gc[0];
      gcMillisEnd = gc[1];
    }
  }

  private static long[] gc() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, b.getCollectionCount());
      millis += Math.max(0, b.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  /**
   * The whole machine's busy and total time from {@code /proc/stat}'s first line, and this
   * process's user and system time from {@code /proc/self/stat}, all in clock ticks (Linux); zeros
   * where they cannot be read. Both come from the kernel's tick accounting, so their difference is
   * the other processes' time; the tick-sampled figures undercount short bursts, which is why this
   * process's own CPU time is taken from the precise process clock everywhere else.
   */
  private static long[] machineJiffies() {
    try {
      String first = Files.readAllLines(PROC_STAT, StandardCharsets.US_ASCII).get(0);
      String[] f = first.trim().split("\\s+");
      long total = 0;
      long idle = 0;
      long interrupts = 0;
      for (int k = 1; k < f.length && k <= 8; k++) { // user … steal; guest is within user
        long v = Long.parseLong(f[k]);
        total += v;
        if (k == 4 || k == 5) {
          idle += v; // idle and iowait
        }
        if (k == 6 || k == 7) {
          interrupts += v; // irq and softirq: here mostly loopback TCP
        }
      }
      String self = Files.readString(PROC_SELF_STAT, StandardCharsets.US_ASCII);
      String[] g = self.substring(self.lastIndexOf(')') + 2).trim().split("\\s+");
      // after the command: state is field 3, utime 14 and stime 15
      long mine = Long.parseLong(g[11]) + Long.parseLong(g[12]);
      return new long[] {total - idle, total, mine, interrupts};
    } catch (IOException | RuntimeException e) {
      return new long[4];
    }
  }

  /**
   * The share of the machine's CPU time that was busy between start and stop, all processes
   * together; NaN where {@code /proc/stat} cannot be read.
   */
  synchronized double machineBusyShare() {
    long total = machineEnd[1] - machineStart[1];
    return total <= 0 ? Double.NaN : (machineEnd[0] - machineStart[0]) / (double) total;
  }

  /**
   * The share of the machine's CPU time other processes used between start and stop: busy ticks
   * minus this process's and the interrupt handlers'; NaN where they cannot be read.
   */
  synchronized double othersShare() {
    long total = machineEnd[1] - machineStart[1];
    long others =
        (machineEnd[0] - machineStart[0])
            - (machineEnd[2] - machineStart[2])
            - (machineEnd[3] - machineStart[3]);
    return total <= 0 ? Double.NaN : Math.max(0, others) / (double) total;
  }

  /**
   * The share of the machine's CPU time spent in interrupt handlers (irq and softirq: the loopback
   * TCP traffic between the agents and the server is processed there, charged to no process).
   */
  synchronized double interruptShare() {
    long total = machineEnd[1] - machineStart[1];
    return total <= 0 ? Double.NaN : (machineEnd[3] - machineStart[3]) / (double) total;
  }

  /** Process CPU time between start and stop, nanoseconds. */
  synchronized long processCpuNanos() {
    return processCpuEnd - processCpuStart;
  }

  /** Java threads' CPU time between start and stop by group, nanoseconds, largest first. */
  synchronized Map<String, Long> cpuByGroup() {
    Map<String, Long> by = new HashMap<>();
    cpu.forEach(
        (id, c) -> by.merge(grouping.apply(names.getOrDefault(id, "")), c[1] - c[0], Long::sum));
    Map<String, Long> sorted = new LinkedHashMap<>();
    by.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /**
   * One Java thread's CPU time between start and stop.
   *
   * @param name the thread's name
   * @param nanos its CPU time, nanoseconds
   */
  record ThreadCpu(String name, long nanos) {}

  /** Every Java thread seen, with its CPU time between start and stop. */
  synchronized List<ThreadCpu> cpuByThread() {
    List<ThreadCpu> out = new ArrayList<>();
    cpu.forEach((id, c) -> out.add(new ThreadCpu(names.getOrDefault(id, ""), c[1] - c[0])));
    return out;
  }

  synchronized long maxHeapUsed() {
    return maxHeapUsed;
  }

  synchronized int maxThreads() {
    return maxThreads;
  }

  synchronized long gcCount() {
    return gcCountEnd - gcCountStart;
  }

  synchronized long gcMillis() {
    return gcMillisEnd - gcMillisStart;
  }

  /** Stack samples taken of the server's threads. */
  synchronized long stackSamples() {
    return stackSamples;
  }

  /** Server thread samples by state (idle ones named as such). */
  synchronized Map<String, Long> states() {
    return new TreeMap<>(states);
  }

  /** The busiest non-idle sites of the server's threads: state, top frame, own-code frame. */
  synchronized List<String> topSites(int n) {
    List<String> out = new ArrayList<>();
    long total = Math.max(1, stackSamples);
    sites.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .limit(n)
        .forEach(
            e ->
                out.add(
                    String.format(
                        Locale.ROOT,
                        "%6d  (%.2f threads on average)  %s",
                        e.getValue(),
                        e.getValue() / (double) total,
                        e.getKey())));
    return out;
  }
}
