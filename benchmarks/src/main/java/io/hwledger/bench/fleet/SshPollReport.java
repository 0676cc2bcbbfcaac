package io.hwledger.bench.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.fleet.ssh.SshPoller;
import io.hwledger.fleet.ssh.SshSessions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The figures of one {@link SshPollLoad} run, as text for people and as JSON. */
final class SshPollReport {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  SshPollOptions options;
  Instant startedAt;
  double loadBefore;
  double loadAfter;
  double setupSeconds;

  /** Every round in order; the first is cold. */
  final List<SshPoller.Round> rounds = new ArrayList<>();

  /** CPU, heap and threads over the cold round, and over the warm rounds. */
  JvmSampler cold;

  JvmSampler warm;

  /** Polls the listener heard of: answered, failed, GPUs read; the first failure's message. */
  long polled;

  long failed;
  long gpus;
  String firstFailure = "";

  /** Polls and client-side commands of the cold round. */
  long coldPolls;

  long coldCommands;

  /** The client's counts over the run, the servers' sessions each, and their commands in all. */
  SshSessions.Stats sessions;

  final List<Integer> serverSessions = new ArrayList<>();
  long serverCommands;
  int refusedHostKeys;

  /** Derived in {@link #finish}. */
  long warmPolls;

  long coldWallNanos;
  long warmMedianNanos;
  long warmMaxNanos;
  int serverSessionsMin;
  int serverSessionsMax;

  /** Works out the derived figures once the run's parts are in. */
  void finish() {
    warmPolls = polled + failed - coldPolls;
    coldWallNanos = rounds.get(0).wall().toNanos();
    long[] warmWalls =
        rounds.subList(1, rounds.size()).stream()
            .mapToLong(r -> r.wall().toNanos())
            .sorted()
            .toArray();
    warmMedianNanos = Latencies.percentile(warmWalls, 0.5);
    warmMaxNanos = warmWalls.length == 0 ? 0 : warmWalls[warmWalls.length - 1];
    serverSessionsMin = serverSessions.stream().mapToInt(Integer::intValue).min().orElse(0);
    serverSessionsMax = serverSessions.stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  /** Sessions the servers saw in all. */
  long serverSessionsTotal() {
    return serverSessions.stream().mapToLong(Integer::longValue).sum();
  }

  /** CPU nanoseconds of one phase's threads by side: client, servers, other Java, JVM itself. */
  static Map<String, Long> sides(JvmSampler s) {
    long client = 0;
    long servers = 0;
    long other = 0;
    for (Map.Entry<String, Long> e : s.cpuByGroup().entrySet()) {
      if (e.getKey().startsWith(SshPollLoad.CLIENT)) {
        client += e.getValue();
      } else if (e.getKey().startsWith(SshPollLoad.SERVERS)) {
        servers += e.getValue();
      } else {
        other += e.getValue();
      }
    }
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("process", s.processCpuNanos());
    out.put("client", client);
    out.put("servers", servers);
    out.put("other Java threads", other);
    out.put("JVM itself (GC, JIT)", Math.max(0, s.processCpuNanos() - client - servers - other));
    return out;
  }

  /**
   * Thread names with their numbers and hashes replaced ({@code sshd-SshClient[…]-nio2-thread-N}),
   * with how many threads had each and their CPU time over the phase, most CPU first.
   */
  static Map<String, long[]> namePatterns(JvmSampler s) {
    Map<String, long[]> by = new TreeMap<>();
    for (JvmSampler.ThreadCpu t : s.cpuByThread()) {
      String pattern = t.name().replaceAll("\\[[^\\]]*\\]", "[…]").replaceAll("\\d+", "N");
      long[] v = by.computeIfAbsent(pattern, k -> new long[2]);
      v[0]++;
      v[1] += t.nanos();
    }
    Map<String, long[]> sorted = new LinkedHashMap<>();
    by.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static double perPoll(long nanos, long polls) {
    return polls == 0 ? Double.NaN : nanos / 1e6 / polls;
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
  }

  private static String percent(double share) {
    return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.0f %%", 100 * share);
  }

  /** The report for people. */
  String text() {
    StringBuilder out = new StringBuilder();
    java.util.function.BiConsumer<String, Object[]> line =
        (f, args) -> out.append(String.format(Locale.ROOT, f, args)).append('\n');
    SshPollOptions o = options;
    line.accept("%n== SSH polling ==", new Object[0]);
    line.accept(
        "machine: %d CPUs, %s %s, max heap %s; load average %.2f before, %.2f after",
        new Object[] {
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.vm.name"),
          System.getProperty("java.vm.version"),
          mib(Runtime.getRuntime().maxMemory()),
          loadBefore,
          loadAfter
        });
    line.accept(
        "run: %s, %d targets, concurrency %d, %d rounds (1 cold, %d warm); servers started in %.1f s",
        new Object[] {
          startedAt, o.targets(), o.concurrency(), o.rounds(), o.rounds() - 1, setupSeconds
        });
    StringBuilder walls = new StringBuilder();
    for (SshPoller.Round r : rounds) {
      walls.append(walls.length() == 0 ? "" : ", ").append(Math.round(ms(r.wall().toNanos())));
    }
    line.accept(
        "rounds: cold %.0f ms; warm median %.0f ms, max %.0f ms; every round (ms): %s",
        new Object[] {ms(coldWallNanos), ms(warmMedianNanos), ms(warmMaxNanos), walls});
    line.accept(
        "polls: %d ok, %d failed%s; GPUs read %d (%.2f per poll)",
        new Object[] {
          polled,
          failed,
          firstFailure.isEmpty() ? "" : " (first: " + firstFailure + ")",
          gpus,
          polled == 0 ? 0.0 : gpus / (double) polled
        });
    line.accept(
        "sessions: client opened %d (reopened %d); servers saw %d (per server %d to %d);"
            + " host keys refused %d",
        new Object[] {
          sessions.sessionsOpened(),
          sessions.sessionsReopened(),
          serverSessionsTotal(),
          serverSessionsMin,
          serverSessionsMax,
          refusedHostKeys
        });
    long polls = polled + failed;
    line.accept(
        "commands: client ran %d, servers ran %d (%.2f per poll)",
        new Object[] {
          sessions.commandsRun(),
          serverCommands,
          polls == 0 ? 0.0 : sessions.commandsRun() / (double) polls
        });
    line.accept(
        "%nCPU per poll, ms (cold: %d polls; warm: %d)", new Object[] {coldPolls, warmPolls});
    Map<String, Long> c = sides(cold);
    Map<String, Long> w = sides(warm);
    for (Map.Entry<String, Long> e : c.entrySet()) {
      line.accept(
          "  %-24s %8.3f %8.3f",
          new Object[] {
            e.getKey(), perPoll(e.getValue(), coldPolls), perPoll(w.get(e.getKey()), warmPolls)
          });
    }
    Map<String, Long> cg = cold.cpuByGroup();
    Map<String, Long> wg = warm.cpuByGroup();
    for (Map.Entry<String, Long> e : wg.entrySet()) {
      line.accept(
          "    %-60s %8.3f %8.3f",
          new Object[] {
            e.getKey(),
            perPoll(cg.getOrDefault(e.getKey(), 0L), coldPolls),
            perPoll(e.getValue(), warmPolls)
          });
    }
    line.accept(
        "heap used (max sampled): cold %s, warm %s; GC: cold %d (%d ms), warm %d (%d ms);"
            + " threads (max) %d",
        new Object[] {
          mib(cold.maxHeapUsed()),
          mib(warm.maxHeapUsed()),
          cold.gcCount(),
          cold.gcMillis(),
          warm.gcCount(),
          warm.gcMillis(),
          Math.max(cold.maxThreads(), warm.maxThreads())
        });
    line.accept(
        "machine (/proc/stat): busy %s cold, %s warm; other processes %s cold, %s warm",
        new Object[] {
          percent(cold.machineBusyShare()),
          percent(warm.machineBusyShare()),
          percent(cold.othersShare()),
          percent(warm.othersShare())
        });
    line.accept("%nthreads by name over the warm rounds (threads, CPU ms):", new Object[0]);
    namePatterns(warm)
        .forEach(
            (name, v) -> line.accept("  %-50s %5d %10.1f", new Object[] {name, v[0], ms(v[1])}));
    line.accept(
        "%nrow: | %d | %.0f | %.0f | %.0f | %d / %d | %d | %.3f | %.3f | %.3f | %.3f | %s |",
        new Object[] {
          o.concurrency(),
          ms(coldWallNanos),
          ms(warmMedianNanos),
          ms(warmMaxNanos),
          sessions.sessionsOpened(),
          serverSessionsTotal(),
          sessions.commandsRun(),
          perPoll(c.get("client"), coldPolls),
          perPoll(w.get("client"), warmPolls),
          perPoll(w.get("servers"), warmPolls),
          perPoll(w.get("process"), warmPolls),
          mib(Math.max(cold.maxHeapUsed(), warm.maxHeapUsed()))
        });
    return out.toString();
  }

  /** The report as JSON. */
  String json() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode opt = root.putObject("options");
    opt.put("targets", options.targets());
    opt.put("concurrency", options.concurrency());
    opt.put("rounds", options.rounds());
    opt.put("nvidiaSmi", options.nvidiaSmi().toString());
    ObjectNode machine = LoadReport.machine(root);
    machine.put("loadAverageBefore", loadBefore);
    machine.put("loadAverageAfter", loadAfter);
    root.put("startedAt", startedAt.toString());
    root.put("setupSeconds", setupSeconds);
    ArrayNode walls = root.putArray("roundWallMillis");
    rounds.forEach(r -> walls.add(ms(r.wall().toNanos())));
    root.put("coldWallMillis", ms(coldWallNanos));
    root.put("warmMedianWallMillis", ms(warmMedianNanos));
    root.put("warmMaxWallMillis", ms(warmMaxNanos));
    ObjectNode p = root.putObject("polls");
    p.put("ok", polled);
    p.put("failed", failed);
    p.put("firstFailure", firstFailure);
    p.put("gpus", gpus);
    p.put("cold", coldPolls);
    p.put("warm", warmPolls);
    ObjectNode s = root.putObject("sessions");
    s.put("clientOpened", sessions.sessionsOpened());
    s.put("clientReopened", sessions.sessionsReopened());
    s.put("serversSaw", serverSessionsTotal());
    s.put("perServerMin", serverSessionsMin);
    s.put("perServerMax", serverSessionsMax);
    s.put("hostKeysRefused", refusedHostKeys);
    ObjectNode cmd = root.putObject("commands");
    cmd.put("client", sessions.commandsRun());
    cmd.put("servers", serverCommands);
    cmd.put("clientCold", coldCommands);
    phase(root.putObject("cold"), cold, coldPolls);
    phase(root.putObject("warm"), warm, warmPolls);
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void phase(ObjectNode n, JvmSampler s, long polls) {
    n.put("polls", polls);
    ObjectNode perPoll = n.putObject("cpuMillisPerPoll");
    sides(s).forEach((k, v) -> perPoll.put(k, perPoll(v, polls)));
    ObjectNode groups = n.putObject("cpuMillisPerPollByGroup");
    s.cpuByGroup().forEach((k, v) -> groups.put(k, perPoll(v, polls)));
    ObjectNode names = n.putObject("threadsByName");
    namePatterns(s)
        .forEach(
            (k, v) -> {
              ObjectNode t = names.putObject(k);
              t.put("threads", v[0]);
              t.put("cpuMillis", ms(v[1]));
            });
    n.put("maxHeapUsedBytes", s.maxHeapUsed());
    n.put("gcCount", s.gcCount());
    n.put("gcMillis", s.gcMillis());
    n.put("machineBusyShare", s.machineBusyShare());
    n.put("othersShare", s.othersShare());
  }
}
