package io.hwledger.fleet.agent;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How an agent runs. Defaults follow FLEET.md §2: a heartbeat every 30 s on its own thread,
 * telemetry every 10 s, GPUs re-probed every 60 s, a watch stream redialled after 45 s of silence,
 * the certificate renewed at 60 % of its lifetime.
 *
 * @param heartbeatInterval between heartbeats
 * @param telemetryInterval between telemetry reports
 * @param inventoryInterval between GPU re-probes
 * @param requestTimeout connect and request timeout
 * @param orphanGrace how long a job the server no longer lists keeps running
 * @param renewAt the share of the certificate's lifetime after which it is renewed, in (0, 1)
 * @param clock the agent's clock: heartbeat stamps, renewal times, the orphan grace, and the time
 *     the server's certificate is checked at
 * @param jobEnvironment variables every job gets on top of the agent's own, e.g. {@code HF_HOME};
 *     the placement's GPU variables still win
 * @param modelDirectories directories searched for model checkpoints (GGUF files, safetensors
 *     directories) at every re-probe; the agent reports what it finds, so jobs can name them
 * @param otherServers more servers of the fleet (sharing its ledger store), dialled in order when
 *     the one the agent enrolled with does not answer (ADR 0022)
 */
public record AgentOptions(
    Duration heartbeatInterval,
    Duration telemetryInterval,
    Duration inventoryInterval,
    Duration requestTimeout,
    Duration orphanGrace,
    double renewAt,
    Clock clock,
    Map<String, String> jobEnvironment,
    List<Path> modelDirectories,
    List<URI> otherServers) {

  /**
   * Validates.
   *
   * @param heartbeatInterval positive
   * @param telemetryInterval positive
   * @param inventoryInterval positive
   * @param requestTimeout positive
   * @param orphanGrace at least 0
   * @param renewAt in (0, 1)
   * @param clock not null
   * @param jobEnvironment not null; copied
   * @param modelDirectories absolute paths; copied
   * @param otherServers {@code https} URLs; copied
   * @throws IllegalArgumentException naming the invalid value
   */
  public AgentOptions {
    positive(heartbeatInterval, "heartbeatInterval");
    positive(telemetryInterval, "telemetryInterval");
    positive(inventoryInterval, "inventoryInterval");
    positive(requestTimeout, "requestTimeout");
    if (orphanGrace == null || orphanGrace.isNegative()) {
      throw new IllegalArgumentException("orphanGrace must not be negative");
    }
    if (!(renewAt > 0 && renewAt < 1)) {
      throw new IllegalArgumentException("renewAt must be in (0, 1), was " + renewAt);
    }
    Objects.requireNonNull(clock, "clock");
    jobEnvironment = Map.copyOf(jobEnvironment);
    modelDirectories = List.copyOf(modelDirectories);
    for (Path dir : modelDirectories) {
      if (!dir.isAbsolute()) {
        throw new IllegalArgumentException("model directory " + dir + " is not an absolute path");
      }
    }
    otherServers = List.copyOf(otherServers);
    for (URI server : otherServers) {
      if (!"https".equals(server.getScheme()) || server.getHost() == null) {
        throw new IllegalArgumentException("server " + server + " is not an https URL with a host");
      }
    }
  }

  /**
   * The defaults.
   *
   * @return the options
   */
  public static AgentOptions defaults() {
    return new AgentOptions(
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        Duration.ofSeconds(10),
        Duration.ofSeconds(300),
        0.6,
        Clock.systemUTC(),
        Map.of(),
        List.of(),
        List.of());
  }

  /**
   * These options with other intervals.
   *
   * @param heartbeat between heartbeats
   * @param telemetry between telemetry reports
   * @param inventory between GPU re-probes
   * @return a copy
   */
  public AgentOptions withIntervals(Duration heartbeat, Duration telemetry, Duration inventory) {
    Copy c = new Copy(this);
    c.heartbeatInterval = heartbeat;
    c.telemetryInterval = telemetry;
    c.inventoryInterval = inventory;
    return c.build();
  }

  /**
   * These options with another orphan grace.
   *
   * @param grace how long an unlisted job keeps running
   * @return a copy
   */
  public AgentOptions withOrphanGrace(Duration grace) {
    Copy c = new Copy(this);
    c.orphanGrace = grace;
    return c.build();
  }

  /**
   * These options with another clock.
   *
   * @param clock the clock
   * @return a copy
   */
  public AgentOptions withClock(Clock clock) {
    Copy c = new Copy(this);
    c.clock = clock;
    return c.build();
  }

  /**
   * These options renewing at another share of the certificate's lifetime.
   *
   * @param share in (0, 1)
   * @return a copy
   */
  public AgentOptions withRenewAt(double share) {
    Copy c = new Copy(this);
    c.renewAt = share;
    return c.build();
  }

  /**
   * These options with variables for every job.
   *
   * @param environment the variables
   * @return a copy
   */
  public AgentOptions withJobEnvironment(Map<String, String> environment) {
    Copy c = new Copy(this);
    c.jobEnvironment = environment;
    return c.build();
  }

  /**
   * These options searching other directories for model checkpoints.
   *
   * @param directories absolute paths
   * @return a copy
   */
  public AgentOptions withModelDirectories(List<Path> directories) {
    Copy c = new Copy(this);
    c.modelDirectories = directories;
    return c.build();
  }

  /**
   * These options dialling more servers of the fleet when the first does not answer.
   *
   * @param servers {@code https} URLs, in the order tried
   * @return a copy
   */
  public AgentOptions withOtherServers(List<URI> servers) {
    Copy c = new Copy(this);
    c.otherServers = servers;
    return c.build();
  }

  /** The components, changed one by one, then validated together by the canonical constructor. */
  private static final class Copy {
    Duration heartbeatInterval;
    Duration telemetryInterval;
    Duration inventoryInterval;
    Duration requestTimeout;
    Duration orphanGrace;
    double renewAt;
    Clock clock;
    Map<String, String> jobEnvironment;
    List<Path> modelDirectories;
    List<URI> otherServers;

    Copy(AgentOptions o) {
      heartbeatInterval = o.heartbeatInterval;
      telemetryInterval = o.telemetryInterval;
      inventoryInterval = o.inventoryInterval;
      requestTimeout = o.requestTimeout;
      orphanGrace = o.orphanGrace;
      renewAt = o.renewAt;
      clock = o.clock;
      jobEnvironment = o.jobEnvironment;
      modelDirectories = o.modelDirectories;
      otherServers = o.otherServers;
    }

    AgentOptions build() {
      return new AgentOptions(
          heartbeatInterval,
          telemetryInterval,
          inventoryInterval,
          requestTimeout,
          orphanGrace,
          renewAt,
          clock,
          jobEnvironment,
          modelDirectories,
          otherServers);
    }
  }

  private static void positive(Duration d, String name) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }
}
