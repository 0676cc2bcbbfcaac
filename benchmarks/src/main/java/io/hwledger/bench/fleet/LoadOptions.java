package io.hwledger.bench.fleet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link FleetLoad} run does.
 *
 * @param agents simulated agents, each enrolled with its own key and certificate
 * @param gpusPerAgent GPUs each agent reports
 * @param warmup how long the same load runs before the measured phase, unrecorded
 * @param duration how long the measured phase lasts
 * @param telemetryInterval how often each agent sends telemetry
 * @param heartbeatInterval how often each agent sends a heartbeat
 * @param jobsPerSecond the admin client's submission rate; 0 for none, {@link #CLOSED_LOOP} for
 *     back to back, one at a time
 * @param jobModel the catalog model each job names
 * @param jobEngine the engine each job names
 * @param senders harness threads sending the agents' requests (each request holds one while in
 *     flight, as the JDK client's blocking {@code send} does)
 * @param enrollers threads enrolling agents
 * @param midnightAt when UTC midnight falls in the measured phase (the server's clock is moved back
 *     to put it there); null to leave the clock alone
 * @param profileHz how often the server's threads are sampled for their state and stack; 0 for
 *     never
 * @param requestTimeout the agents' connect and request timeout
 * @param dir where the fleet directory goes; null for a new temporary directory, deleted after
 * @param json where to write the report as JSON, or null
 */
record LoadOptions(
    int agents,
    int gpusPerAgent,
    Duration warmup,
    Duration duration,
    Duration telemetryInterval,
    Duration heartbeatInterval,
    double jobsPerSecond,
    String jobModel,
    String jobEngine,
    int senders,
    int enrollers,
    @Nullable Duration midnightAt,
    int profileHz,
    Duration requestTimeout,
    @Nullable Path dir,
    @Nullable Path json) {

  /** {@link #jobsPerSecond} meaning one job after another, as fast as the server answers. */
  static final double CLOSED_LOOP = Double.POSITIVE_INFINITY;

  static final String USAGE =
      String.join(
          "\n",
          "usage: FleetLoad [options]",
          "  --agents N             simulated agents (default 500)",
          "  --gpus N               GPUs per agent (default 8)",
          "  --warmup S             the same load before measuring, seconds (default 15)",
          "  --duration S           measured phase, seconds (default 60)",
          "  --telemetry S          telemetry interval per agent, seconds (default 1)",
          "  --heartbeat S          heartbeat interval per agent, seconds (default 30)",
          "  --jobs R|max|0         job submissions per second (default 5); max: back to back",
          "  --model ID             catalog model of the jobs (default llama-3.1-8b)",
          "  --engine ID            engine of the jobs (default vllm)",
          "  --senders N            harness threads sending agents' requests (default 128)",
          "  --enrollers N          threads enrolling agents (default 4)",
          "  --midnight S|off       UTC midnight at S seconds into the measured phase"
              + " (default: half of it)",
          "  --profile-hz N         sample the server threads' stacks N times a second (default 0)",
          "  --timeout S            agents' request timeout, seconds (default 10)",
          "  --dir DIR              fleet directory (default: a temporary one, deleted after)",
          "  --json FILE            also write the report as JSON");

  LoadOptions {
    positive(agents, "agents");
    if (gpusPerAgent < 1 || gpusPerAgent > 64) {
      throw new IllegalArgumentException("gpus must be 1 to 64, was " + gpusPerAgent);
    }
    if (warmup == null || warmup.isNegative()) {
      throw new IllegalArgumentException("warmup must be at least 0, was " + warmup);
    }
    positive(duration, "duration");
    positive(telemetryInterval, "telemetry");
    positive(heartbeatInterval, "heartbeat");
    if (!(jobsPerSecond >= 0)) {
      throw new IllegalArgumentException("jobs must be at least 0, was " + jobsPerSecond);
    }
    positive(senders, "senders");
    positive(enrollers, "enrollers");
    if (midnightAt != null && (midnightAt.isNegative() || midnightAt.compareTo(duration) >= 0)) {
      throw new IllegalArgumentException("midnight must fall within the measured phase");
    }
    if (profileHz < 0 || profileHz > 1000) {
      throw new IllegalArgumentException("profile-hz must be 0 to 1000, was " + profileHz);
    }
    positive(requestTimeout, "timeout");
  }

  /** The defaults: 500 agents of 8 GPUs for 60 s, telemetry every second. */
  static LoadOptions defaults() {
    return new LoadOptions(
        500,
        8,
        Duration.ofSeconds(15),
        Duration.ofSeconds(60),
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        5,
        "llama-3.1-8b",
        "vllm",
        128,
        4,
        Duration.ofSeconds(30),
        0,
        Duration.ofSeconds(10),
        null,
        null);
  }

  /**
   * Reads the command line over the defaults.
   *
   * @param args the arguments
   * @return the options
   * @throws IllegalArgumentException naming a bad or unknown option
   */
  static LoadOptions parse(String... args) {
    Builder b = new Builder(defaults());
    boolean midnightSet = false;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + " needs a value\n" + USAGE);
      }
      String v = args[++i];
      switch (name) {
        case "--agents" -> b.agents = Integer.parseInt(v);
        case "--gpus" -> b.gpus = Integer.parseInt(v);
        case "--warmup" -> b.warmup = seconds(v);
        case "--duration" -> b.duration = seconds(v);
        case "--telemetry" -> b.telemetry = seconds(v);
        case "--heartbeat" -> b.heartbeat = seconds(v);
        case "--jobs" -> b.jobs = v.equals("max") ? CLOSED_LOOP : Double.parseDouble(v.strip());
        case "--model" -> b.model = v;
        case "--engine" -> b.engine = v;
        case "--senders" -> b.senders = Integer.parseInt(v);
        case "--enrollers" -> b.enrollers = Integer.parseInt(v);
        case "--midnight" -> {
          midnightSet = true;
          b.midnight = v.equals("off") ? null : seconds(v);
        }
        case "--profile-hz" -> b.profileHz = Integer.parseInt(v);
        case "--timeout" -> b.timeout = seconds(v);
        case "--dir" -> b.dir = Path.of(v);
        case "--json" -> b.json = Path.of(v);
        default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
      }
    }
    if (!midnightSet) {
      b.midnight = b.duration.dividedBy(2);
    }
    return b.build();
  }

  /** The job submission rate as people read it. */
  String jobsText() {
    if (jobsPerSecond == CLOSED_LOOP) {
      return "back to back";
    }
    return jobsPerSecond == 0 ? "none" : String.format(Locale.ROOT, "%.3g/s", jobsPerSecond);
  }

  private static Duration seconds(String v) {
    double s = Double.parseDouble(v.strip());
    if (!(s >= 0) || s > 86_400) {
      throw new IllegalArgumentException("seconds must be 0 to 86400, was " + v);
    }
    return Duration.ofNanos(Math.round(s * 1e9));
  }

  private static void positive(int v, String name) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, was " + v);
    }
  }

  private static void positive(Duration d, String name) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  /** A mutable copy for {@link #with}. */
  static final class Builder {
    int agents;
    int gpus;
    Duration warmup;
    Duration duration;
    Duration telemetry;
    Duration heartbeat;
    double jobs;
    String model;
    String engine;
    int senders;
    int enrollers;
    @Nullable Duration midnight;
    int profileHz;
    Duration timeout;
    @Nullable Path dir;
    @Nullable Path json;

    Builder(LoadOptions o) {
      agents = o.agents;
      gpus = o.gpusPerAgent;
      warmup = o.warmup;
      duration = o.duration;
      telemetry = o.telemetryInterval;
      heartbeat = o.heartbeatInterval;
      jobs = o.jobsPerSecond;
      model = o.jobModel;
      engine = o.jobEngine;
      senders = o.senders;
      enrollers = o.enrollers;
      midnight = o.midnightAt;
      profileHz = o.profileHz;
      timeout = o.requestTimeout;
      dir = o.dir;
      json = o.json;
    }

    LoadOptions build() {
      return new LoadOptions(
          agents, gpus, warmup, duration, telemetry, heartbeat, jobs, model, engine, senders,
          enrollers, midnight, profileHz, timeout, dir, json);
    }
  }

  /**
   * A copy changed by {@code change}.
   *
   * @param change sets fields of a builder
   * @return the validated copy
   */
  LoadOptions with(java.util.function.Consumer<Builder> change) {
    Builder b = new Builder(this);
    change.accept(b);
    return b.build();
  }
}
