package io.hwledger.bench.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.bench.fleet.LoadStats.Kind;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of one {@link FleetLoad} run, as text for people and as JSON. */
final class LoadReport {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Kinds sent in the measured phase. */
  private static final List<Kind> RUN_KINDS = List.of(Kind.TELEMETRY, Kind.HEARTBEAT, Kind.JOB);

  LoadOptions options;
  LoadStats stats;
  JvmSampler sampler;
  JsonNode status;
  String serverMetrics = "";
  LedgerBytes ledger;
  double enrollSeconds;
  double inventorySeconds;
  double runSeconds;
  double drainSeconds;
  long runStartNanos;
  long runStartWallMillis;

  /** Real time at which the server's clock passes midnight, epoch ms. */
  long midnightWallMillis;

  long snapshots;
  int watchesOpenClient;
  long ledgerDirBefore;
  long ledgerDirAfter;
  boolean ledgerVerified;
  long ledgerVerifiedRecords;
  String ledgerProblem = "";

  /** Agents enrolled. */
  long agents;

  /** Daily summaries written, and the first and last one's time after midnight, seconds. */
  long dailyRecords;

  double dailyFirstSeconds = Double.NaN;
  double dailyLastSeconds = Double.NaN;

  /** Requests due in [midnight, last daily summary + 1 s), nanoseconds since the origin. */
  long midnightFrom = -1;

  long midnightTo = -1;

  /** Ledger bytes (frames plus the tree's share) per agent-hour, and its two parts. */
  double bytesPerAgentHour = Double.NaN;

  double dailyBytesPerAgentDay = Double.NaN;
  double otherAgentBytesPerAgentHour;
  double jobBytesPerDecision = Double.NaN;
  double setupBytesPerAgent = Double.NaN;

  /** Works out the derived figures once the run's parts are in. */
  void finish() {
    agents = stats.ok(Kind.ENROLL);
    double tree = ledger.treeBytesPerRecord();
    LedgerBytes.Tally setup = ledger.phase("setup", "");
    if (agents > 0) {
      setupBytesPerAgent = (setup.bytes + setup.records * tree) / agents;
    }
    LedgerBytes.Tally daily = ledger.phase("run", "fleet.gpu.daily");
    dailyRecords = daily.records;
    LedgerBytes.Tally agentEvents = ledger.phase("run", "fleet.agent.");
    LedgerBytes.Tally reconciled = ledger.phase("run", "plan.reconciled");
    double agentHours = agents * runSeconds / 3600;
    if (agentHours > 0) {
      otherAgentBytesPerAgentHour =
          (agentEvents.bytes + reconciled.bytes + (agentEvents.records + reconciled.records) * tree)
              / agentHours;
    }
    if (options.midnightAt() != null && agents > 0) {
      dailyBytesPerAgentDay = (daily.bytes + daily.records * tree) / agents;
      bytesPerAgentHour = dailyBytesPerAgentDay / 24 + otherAgentBytesPerAgentHour;
    }
    LedgerBytes.Tally jobs = ledger.phase("run", "fleet.job.");
    LedgerBytes.Tally plans = ledger.phase("run", "plan.computed");
    long decisions = stats.jobsPlaced.sum() + stats.jobsRefused.sum();
    if (decisions > 0) {
      jobBytesPerDecision =
          (jobs.bytes + plans.bytes + (jobs.records + plans.records) * tree) / decisions;
    }
  }

  /**
   * Sets the window of the midnight burst from the daily summaries' ledger times.
   *
   * @param firstMillis the first summary's ledger time, epoch ms
   * @param lastMillis the last one's
   */
  void midnight(long firstMillis, long lastMillis) {
    java.time.Duration at = options.midnightAt();
    if (at == null) {
      return;
    }
    dailyFirstSeconds = (firstMillis - midnightWallMillis) / 1e3;
    dailyLastSeconds = (lastMillis - midnightWallMillis) / 1e3;
    midnightFrom = runStartNanos + at.toNanos();
    midnightTo =
        Math.max(
            midnightFrom, runStartNanos + (lastMillis - runStartWallMillis + 1000) * 1_000_000);
  }

  private static String window(Latencies.Summary s, long skipped) {
    if (s.count() == 0) {
      return String.format(Locale.ROOT, "none answered, %d skipped", skipped);
    }
    return String.format(
        Locale.ROOT,
        "%d answered, %d skipped, p50 %.2f ms, p99 %.2f ms, max %.2f ms",
        s.count(),
        skipped,
        ms(s.p50()),
        ms(s.p99()),
        ms(s.max()));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static String bytes(double b) {
    if (Double.isNaN(b)) {
      return "n/a";
    }
    if (b >= 10 << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", b / (1 << 20));
    }
    if (b >= 10 << 10) {
      return String.format(Locale.ROOT, "%.1f KiB", b / 1024);
    }
    return String.format(Locale.ROOT, "%.0f B", b);
  }

  /** The report for people. */
  String text() {
    StringBuilder out = new StringBuilder();
    LoadOptions o = options;
    java.util.function.BiConsumer<String, Object[]> line =
        (f, args) -> out.append(String.format(Locale.ROOT, f, args)).append('\n');
    line.accept("%n== fleet server under load ==", new Object[0]);
    line.accept(
        "machine: %d CPUs, %s %s, max heap %s",
        new Object[] {
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.vm.name"),
          System.getProperty("java.vm.version"),
          bytes(Runtime.getRuntime().maxMemory())
        });
    line.accept(
        "run: %d agents × %d GPUs for %.0f s after %.0f s of warm-up; telemetry every %.3g s, heartbeats every %.3g s;"
            + " jobs %s (%s on %s, TP 1); %d sender threads",
        new Object[] {
          o.agents(),
          o.gpusPerAgent(),
          runSeconds,
          o.warmup().toNanos() / 1e9,
          o.telemetryInterval().toNanos() / 1e9,
          o.heartbeatInterval().toNanos() / 1e9,
          o.jobsText(),
          o.jobModel(),
          o.jobEngine(),
          o.senders()
        });
    Latencies.Summary en = stats.latency(Kind.ENROLL).summary();
    Latencies.Summary inv = stats.latency(Kind.INVENTORY).summary();
    Latencies.Summary w = stats.latency(Kind.WATCH).summary();
    line.accept(
        "setup: enrolled %d of %d in %.1f s (%.1f/s with %d threads; p50 %.1f ms, p99 %.1f ms);"
            + " inventories in %.1f s (p99 %.1f ms); watch snapshots %d (p99 %.1f ms)",
        new Object[] {
          agents,
          o.agents(),
          enrollSeconds,
          agents / Math.max(1e-9, enrollSeconds),
          o.enrollers(),
          ms(en.p50()),
          ms(en.p99()),
          inventorySeconds,
          ms(inv.p99()),
          snapshots,
          ms(w.p99())
        });
    out.append('\n');
    line.accept(
        "measured phase: latency from send to answer; lag = how late the harness started it",
        new Object[0]);
    line.accept(
        "%-10s %9s %8s %7s %8s %8s %8s %9s %10s %10s",
        new Object[] {
          "kind",
          "answered",
          "per s",
          "errors",
          "skipped",
          "p50 ms",
          "p99 ms",
          "max ms",
          "lag p99",
          "lag max"
        });
    for (Kind k : RUN_KINDS) {
      Latencies.Summary s = stats.latency(k).summary();
      Latencies.Summary lag = stats.lag(k).summary();
      line.accept(
          "%-10s %9d %8.1f %7d %8d %8.2f %8.2f %9.2f %10.2f %10.2f",
          new Object[] {
            k.label,
            s.count(),
            s.count() / runSeconds,
            stats.errors(k),
            stats.skippedCount(k),
            ms(s.p50()),
            ms(s.p99()),
            ms(s.max()),
            ms(lag.p99()),
            ms(lag.max())
          });
    }
    long placed = stats.jobsPlaced.sum();
    long refused = stats.jobsRefused.sum();
    line.accept(
        "jobs: %d decisions (%.2f/s): %d placed (%.2f placements/s), %d refused%s",
        new Object[] {
          placed + refused,
          (placed + refused) / runSeconds,
          placed,
          placed / runSeconds,
          refused,
          refused == 0 ? "" : "; first reason: \"" + stats.firstRefusal + "\""
        });
    java.time.Duration midnightAt = o.midnightAt();
    if (midnightFrom >= 0 && midnightAt != null) {
      line.accept(
          "midnight (server's UTC clock) at +%.0f s: %d fleet.gpu.daily summaries, written"
              + " %.2f to %.2f s after it",
          new Object[] {
            midnightAt.toNanos() / 1e9, dailyRecords, dailyFirstSeconds, dailyLastSeconds
          });
      for (Kind k : RUN_KINDS) {
        Latencies.Summary in = stats.latency(k).summary(midnightFrom, midnightTo);
        Latencies.Summary out2 = stats.latency(k).summaryOutside(midnightFrom, midnightTo);
        line.accept(
            "  %-9s during the burst: %s; outside it: %s",
            new Object[] {
              k.label,
              window(in, stats.skippedCount(k, midnightFrom, midnightTo, true)),
              window(out2, stats.skippedCount(k, midnightFrom, midnightTo, false))
            });
      }
    }
    out.append('\n');
    JsonNode agentsByStatus = status == null ? null : status.path("agents");
    line.accept(
        "server at the end: agents %s, GPUs %s, watch streams open %s (agents hold %d),"
            + " ledger %s records",
        new Object[] {
          agentsByStatus == null ? "?" : agentsByStatus.toString(),
          status == null ? "?" : status.path("gpus").asText(),
          status == null ? "?" : status.path("watchStreams").asText(),
          watchesOpenClient,
          status == null ? "?" : status.path("ledgerSize").asText()
        });
    Map<String, Double> m = serverTimer();
    if (!m.isEmpty()) {
      line.accept(
          "server-side handling (Micrometer timer over all requests; p50/p99 over its rolling"
              + " window): %s",
          new Object[] {formatTimer(m)});
    }
    line.accept("watch lines received: %s", new Object[] {stats.watchLines()});
    Map<String, Long> errors = stats.errors();
    if (errors.isEmpty()) {
      line.accept("errors: none", new Object[0]);
    } else {
      line.accept("errors:", new Object[0]);
      Map<String, String> first = stats.firstErrors();
      errors.forEach(
          (k, v) -> line.accept("  %-22s %7d  first: %s", new Object[] {k, v, first.get(k)}));
    }
    out.append('\n');
    double available = (runSeconds + drainSeconds) * Runtime.getRuntime().availableProcessors();
    long process = sampler.processCpuNanos();
    line.accept(
        "CPU over the measured phase and its drain (%.1f s × %d CPUs = %.1f CPU-s):",
        new Object[] {
          runSeconds + drainSeconds, Runtime.getRuntime().availableProcessors(), available
        });
    double busy = sampler.machineBusyShare();
    line.accept(
        "  %-62s %7.2f s  %5.1f %% of the CPUs",
        new Object[] {"whole machine, every process (/proc/stat)", busy * available, 100 * busy});
    line.accept(
        "  %-62s %7.2f s  %5.1f %% of the CPUs",
        new Object[] {"this process", process / 1e9, 100 * process / 1e9 / available});
    double interrupts = sampler.interruptShare();
    line.accept(
        "  %-62s %7.2f s  %5.1f %% of the CPUs",
        new Object[] {
          "interrupt handlers (irq, softirq: loopback TCP)",
          interrupts * available,
          100 * interrupts
        });
    double others = sampler.othersShare();
    line.accept(
        "  %-62s %7.2f s  %5.1f %% of the CPUs",
        new Object[] {
          "other processes (machine's ticks minus this one's and irq)",
          others * available,
          100 * others
        });
    long javaThreads = 0;
    for (Map.Entry<String, Long> e : sampler.cpuByGroup().entrySet()) {
      javaThreads += e.getValue();
      line.accept(
          "  %-62s %7.2f s  %5.1f %% of the process",
          new Object[] {
            e.getKey(), e.getValue() / 1e9, 100.0 * e.getValue() / Math.max(1, process)
          });
    }
    line.accept(
        "  %-62s %7.2f s  %5.1f %% of the process",
        new Object[] {
          "JVM itself: GC, JIT (process minus Java threads)",
          (process - javaThreads) / 1e9,
          100.0 * (process - javaThreads) / Math.max(1, process)
        });
    line.accept(
        "threads: at most %d live; heap used at most %s (of %s max); GC: %d collections, %.2f s",
        new Object[] {
          sampler.maxThreads(),
          bytes(sampler.maxHeapUsed()),
          bytes(Runtime.getRuntime().maxMemory()),
          sampler.gcCount(),
          sampler.gcMillis() / 1e3
        });
    out.append('\n');
    line.accept(
        "ledger: directory %s before, %s after close (segments %s, Merkle tree %s, other %s);"
            + " %d records; frames sum to %s (%s the segments); verify: %s",
        new Object[] {
          bytes(ledgerDirBefore),
          bytes(ledgerDirAfter),
          bytes(ledger.segmentBytes),
          bytes(ledger.treeBytes),
          bytes(ledger.otherBytes),
          ledger.records,
          bytes(ledger.frameBytes),
          ledger.frameBytes == ledger.segmentBytes ? "equal to" : "NOT equal to",
          ledgerVerified ? "ok, " + ledgerVerifiedRecords + " records" : "FAILED: " + ledgerProblem
        });
    ledger.byPhase.forEach(
        (phase, types) -> {
          List<String> parts = new ArrayList<>();
          types.forEach(
              (type, t) ->
                  parts.add(
                      String.format(
                          Locale.ROOT,
                          "%s %d × %.0f B",
                          type,
                          t.records,
                          t.bytes / (double) t.records)));
          line.accept("  %s: %s", new Object[] {phase, String.join(", ", parts)});
        });
    line.accept(
        "  Merkle tree: %.1f B per record as stored; setup: %s per agent (token use, enrolment,"
            + " inventory)",
        new Object[] {ledger.treeBytesPerRecord(), bytes(setupBytesPerAgent)});
    line.accept(
        "  job decisions: %s per decision (submitted, refused or plan + placed)",
        new Object[] {bytes(jobBytesPerDecision)});
    line.accept(
        "  per agent-hour = daily summaries per agent-day / 24 + other agent events in the run /"
            + " (agents × run hours); each record counted with its frame and its share of the"
            + " tree",
        new Object[0]);
    if (Double.isNaN(bytesPerAgentHour)) {
      line.accept(
          "    not measured: no midnight in this run (--midnight off); other agent events: %s per"
              + " agent-hour",
          new Object[] {bytes(otherAgentBytesPerAgentHour)});
    } else {
      line.accept(
          "    = %s / 24 + %s = %s per agent-hour (%s per agent-year)",
          new Object[] {
            bytes(dailyBytesPerAgentDay),
            bytes(otherAgentBytesPerAgentHour),
            bytes(bytesPerAgentHour),
            bytes(bytesPerAgentHour * 24 * 365)
          });
    }
    if (sampler.stackSamples() > 0) {
      out.append('\n');
      line.accept(
          "server threads, %d samples at %d Hz; states: %s",
          new Object[] {sampler.stackSamples(), options.profileHz(), sampler.states()});
      line.accept("busiest sites (samples, state | top frame ← own code):", new Object[0]);
      for (String s : sampler.topSites(15)) {
        line.accept("  %s", new Object[] {s});
      }
    }
    out.append('\n');
    line.accept("row: %s", new Object[] {row()});
    return out.toString();
  }

  /** Server, agents' clients and harness CPU seconds: the sampler's groups summed by role. */
  double[] cpuByRole() {
    double[] r = new double[3];
    sampler
        .cpuByGroup()
        .forEach(
            (g, v) -> r[g.startsWith("server") ? 0 : g.startsWith("agents") ? 1 : 2] += v / 1e9);
    return r;
  }

  /**
   * One Markdown table row: agents, telemetry per second, its p50, p99 and max, skipped, errors;
   * heartbeats per second and p99; job decisions per second and p99; CPU of other processes, this
   * process, the server, the agents' clients and the harness, as shares of the machine; heap;
   * threads.
   */
  String row() {
    Latencies.Summary t = stats.latency(Kind.TELEMETRY).summary();
    Latencies.Summary h = stats.latency(Kind.HEARTBEAT).summary();
    Latencies.Summary j = stats.latency(Kind.JOB).summary();
    double available = (runSeconds + drainSeconds) * Runtime.getRuntime().availableProcessors();
    double[] roles = cpuByRole();
    long errors = 0;
    for (Kind k : RUN_KINDS) {
      errors += stats.errors(k);
    }
    return String.format(
        Locale.ROOT,
        "| %d | %.0f | %.2f | %.1f | %.0f | %d | %d | %.1f | %.1f | %.2f | %.1f | %.0f %% | %.0f %%"
            + " | %.0f %% | %.0f %% | %.0f %% | %.0f MiB | %d |",
        agents,
        t.count() / runSeconds,
        ms(t.p50()),
        ms(t.p99()),
        ms(t.max()),
        stats.skippedCount(Kind.TELEMETRY),
        errors,
        h.count() / runSeconds,
        ms(h.p99()),
        j.count() / runSeconds,
        ms(j.p99()),
        100 * sampler.othersShare(),
        100 * sampler.processCpuNanos() / 1e9 / available,
        100 * roles[0] / available,
        100 * roles[1] / available,
        100 * roles[2] / available,
        sampler.maxHeapUsed() / (double) (1 << 20),
        sampler.maxThreads());
  }

  private static final String TIMER = "hwledger_fleet_requests_seconds";

  /** count, sum, max and quantiles of the server's request timer. */
  Map<String, Double> serverTimer() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String l : serverMetrics.split("\n", -1)) {
      int space = l.lastIndexOf(' ');
      if (!l.startsWith(TIMER) || space < 0) {
        continue;
      }
      String name = l.substring(TIMER.length(), space).strip();
      String key;
      if (name.equals("_count") || name.equals("_sum") || name.equals("_max")) {
        key = name;
      } else if (name.startsWith("{quantile=\"") && name.endsWith("}")) {
        String q = name.substring("{quantile=\"".length());
        key = "p" + q.substring(0, Math.max(0, q.indexOf('"')));
      } else {
        continue;
      }
      try {
        out.put(key, Double.parseDouble(l.substring(space + 1).strip()));
      } catch (NumberFormatException e) {
        // not a sample line
      }
    }
    return out;
  }

  private static String formatTimer(Map<String, Double> m) {
    double count = m.getOrDefault("_count", 0.0);
    double sum = m.getOrDefault("_sum", 0.0);
    return String.format(
        Locale.ROOT,
        "%.0f requests, mean %.2f ms, p50 %.2f ms, p99 %.2f ms, max %.2f ms",
        count,
        count == 0 ? 0 : 1e3 * sum / count,
        1e3 * m.getOrDefault("p0.5", Double.NaN),
        1e3 * m.getOrDefault("p0.99", Double.NaN),
        1e3 * m.getOrDefault("_max", Double.NaN));
  }

  /** The report as JSON. */
  String json() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode opt = root.putObject("options");
    opt.put("agents", options.agents());
    opt.put("gpusPerAgent", options.gpusPerAgent());
    opt.put("durationSeconds", runSeconds);
    opt.put("warmupSeconds", options.warmup().toNanos() / 1e9);
    opt.put("telemetryIntervalSeconds", options.telemetryInterval().toNanos() / 1e9);
    opt.put("heartbeatIntervalSeconds", options.heartbeatInterval().toNanos() / 1e9);
    opt.put("jobs", options.jobsText());
    opt.put("senders", options.senders());
    java.time.Duration midnightAt = options.midnightAt();
    opt.put("midnightAtSeconds", midnightAt == null ? null : midnightAt.toNanos() / 1e9);
    machine(root);
    ObjectNode setup = root.putObject("setup");
    setup.put("enrolled", agents);
    setup.put("enrollSeconds", enrollSeconds);
    setup.put("inventorySeconds", inventorySeconds);
    setup.put("snapshots", snapshots);
    ObjectNode kinds = root.putObject("requests");
    for (Kind k : Kind.values()) {
      Latencies.Summary s = stats.latency(k).summary();
      Latencies.Summary lag = stats.lag(k).summary();
      ObjectNode n = kinds.putObject(k.label);
      n.put("answered", s.count());
      n.put("perSecond", RUN_KINDS.contains(k) ? s.count() / runSeconds : Double.NaN);
      n.put("errors", stats.errors(k));
      n.put("skipped", stats.skippedCount(k));
      n.put("p50Ms", ms(s.p50()));
      n.put("p99Ms", ms(s.p99()));
      n.put("maxMs", ms(s.max()));
      n.put("lagP99Ms", ms(lag.p99()));
      n.put("lagMaxMs", ms(lag.max()));
      if (midnightFrom >= 0) {
        Latencies.Summary in = stats.latency(k).summary(midnightFrom, midnightTo);
        n.put("burstCount", in.count());
        n.put("burstSkipped", stats.skippedCount(k, midnightFrom, midnightTo, true));
        n.put("burstP50Ms", ms(in.p50()));
        n.put("burstP99Ms", ms(in.p99()));
        n.put("burstMaxMs", ms(in.max()));
        Latencies.Summary out = stats.latency(k).summaryOutside(midnightFrom, midnightTo);
        n.put("outsideCount", out.count());
        n.put("outsideSkipped", stats.skippedCount(k, midnightFrom, midnightTo, false));
        n.put("outsideP50Ms", ms(out.p50()));
        n.put("outsideP99Ms", ms(out.p99()));
        n.put("outsideMaxMs", ms(out.max()));
      }
    }
    root.put("jobsPlaced", stats.jobsPlaced.sum());
    root.put("jobsRefused", stats.jobsRefused.sum());
    root.put("firstRefusal", stats.firstRefusal);
    root.set("errors", JSON.valueToTree(stats.errors()));
    root.set("firstErrors", JSON.valueToTree(stats.firstErrors()));
    root.set("serverStatus", status);
    root.set("serverTimer", JSON.valueToTree(serverTimer()));
    root.put("watchesOpenClient", watchesOpenClient);
    ObjectNode cpu = root.putObject("cpu");
    cpu.put("processSeconds", sampler.processCpuNanos() / 1e9);
    cpu.put("machineBusyShare", sampler.machineBusyShare());
    cpu.put("othersShare", sampler.othersShare());
    cpu.put("interruptShare", sampler.interruptShare());
    ObjectNode groups = cpu.putObject("threadGroupsSeconds");
    sampler.cpuByGroup().forEach((g, v) -> groups.put(g, v / 1e9));
    cpu.put("maxThreads", sampler.maxThreads());
    cpu.put("maxHeapUsedBytes", sampler.maxHeapUsed());
    cpu.put("gcCount", sampler.gcCount());
    cpu.put("gcSeconds", sampler.gcMillis() / 1e3);
    ObjectNode led = root.putObject("ledger");
    led.put("dirBytesBefore", ledgerDirBefore);
    led.put("dirBytesAfter", ledgerDirAfter);
    led.put("segmentBytes", ledger.segmentBytes);
    led.put("treeBytes", ledger.treeBytes);
    led.put("records", ledger.records);
    led.put("frameBytes", ledger.frameBytes);
    led.put("verified", ledgerVerified);
    led.put("dailyRecords", dailyRecords);
    led.put("dailyFirstSecondsAfterMidnight", dailyFirstSeconds);
    led.put("dailyLastSecondsAfterMidnight", dailyLastSeconds);
    led.put("bytesPerAgentHour", bytesPerAgentHour);
    led.put("dailyBytesPerAgentDay", dailyBytesPerAgentDay);
    led.put("otherAgentBytesPerAgentHour", otherAgentBytesPerAgentHour);
    led.put("jobBytesPerDecision", jobBytesPerDecision);
    led.put("setupBytesPerAgent", setupBytesPerAgent);
    ObjectNode phases = led.putObject("byPhase");
    ledger.byPhase.forEach(
        (phase, types) -> {
          ObjectNode p = phases.putObject(phase);
          types.forEach(
              (type, t) -> {
                ObjectNode x = p.putObject(type);
                x.put("records", t.records);
                x.put("bytes", t.bytes);
              });
        });
    if (sampler.stackSamples() > 0) {
      ObjectNode prof = root.putObject("serverThreads");
      prof.put("samples", sampler.stackSamples());
      prof.set("states", JSON.valueToTree(sampler.states()));
      prof.set("topSites", JSON.valueToTree(sampler.topSites(30)));
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The machine and JVM a run measured, as the member {@code machine} of {@code root}. */
  static ObjectNode machine(ObjectNode root) {
    ObjectNode machine = root.putObject("machine");
    machine.put("cpus", Runtime.getRuntime().availableProcessors());
    machine.put(
        "jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
    machine.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
    machine.put(
        "inputArguments",
        String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    return machine;
  }
}
