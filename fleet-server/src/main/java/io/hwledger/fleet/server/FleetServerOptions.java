package io.hwledger.fleet.server;

import io.hwledger.fleet.ssh.SshPolling;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a fleet server runs. Defaults follow FLEET.md §2 (GPUStack's measured thresholds): not ready
 * after 150 s without a heartbeat, lost and rescheduled 300 s later, swept every 15 s.
 *
 * @param bindAddress the address to listen on, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param port the TCP port; 0 picks a free one
 * @param agentLifetime agent certificates' lifetime, 1 h to 7 d (default 24 h)
 * @param notReadyAfter silence after which an agent is not ready
 * @param lostAfter further silence after which a not-ready agent is lost and its jobs move
 * @param sweepInterval how often liveness is judged
 * @param measurementFreshness how old a GPU's measured free memory may be and still count for
 *     placement; older or absent fails closed
 * @param reconcileAfter how long a job runs before its measured memory is compared with its plan
 * @param massFailoverShare the share of agents going silent in one sweep above which the server
 *     suspects itself or the network and moves no jobs (GPUStack #5935)
 * @param ssh how hosts without an agent are polled over SSH (every 10 s, 16 at a time, by default)
 * @param clock the server's clock
 * @param ledgerStore where the fleet's ledger is: null for the fleet directory's {@code ledger/},
 *     else a directory or a {@code jdbc:postgresql:} URL; servers sharing a database take turns
 *     leading (ADR 0016, "several servers on one database")
 * @param standbyPoll how often a standby tries to take over the ledger while another server leads
 */
public record FleetServerOptions(
    String bindAddress,
    int port,
    Duration agentLifetime,
    Duration notReadyAfter,
    Duration lostAfter,
    Duration sweepInterval,
    Duration measurementFreshness,
    Duration reconcileAfter,
    double massFailoverShare,
    SshPolling ssh,
    Clock clock,
    String ledgerStore,
    Duration standbyPoll) {

  /**
   * Validates.
   *
   * @param bindAddress not blank
   * @param port 0 to 65535
   * @param agentLifetime 1 h to 7 d
   * @param notReadyAfter positive
   * @param lostAfter positive
   * @param sweepInterval positive
   * @param measurementFreshness positive
   * @param reconcileAfter at least 0
   * @param massFailoverShare in (0, 1]
   * @param ssh not null
   * @param clock not null
   * @param ledgerStore null, a directory or a URL
   * @param standbyPoll positive
   * @throws IllegalArgumentException naming the invalid value
   */
  public FleetServerOptions {
    Objects.requireNonNull(bindAddress, "bindAddress");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
    }
    positive(notReadyAfter, "notReadyAfter");
    positive(lostAfter, "lostAfter");
    positive(sweepInterval, "sweepInterval");
    positive(measurementFreshness, "measurementFreshness");
    positive(standbyPoll, "standbyPoll");
    if (reconcileAfter.isNegative()) {
      throw new IllegalArgumentException("reconcileAfter must not be negative");
    }
    if (!(massFailoverShare > 0 && massFailoverShare <= 1)) {
      throw new IllegalArgumentException(
          "massFailoverShare must be in (0, 1], was " + massFailoverShare);
    }
    Objects.requireNonNull(agentLifetime, "agentLifetime");
    Objects.requireNonNull(ssh, "ssh");
    Objects.requireNonNull(clock, "clock");
  }

  /**
   * The defaults, listening on {@code port} of every address.
   *
   * @param port the TCP port; 0 picks a free one
   * @return the options
   */
  public static FleetServerOptions defaults(int port) {
    return new FleetServerOptions(
        "0.0.0.0",
        port,
        Duration.ofHours(24),
        Duration.ofSeconds(150),
        Duration.ofSeconds(300),
        Duration.ofSeconds(15),
        Duration.ofSeconds(60),
        Duration.ofSeconds(30),
        0.5,
        SshPolling.DEFAULTS,
        Clock.systemUTC(),
        null,
        Duration.ofMillis(500));
  }

  /**
   * These options listening on another address.
   *
   * @param address the address
   * @return a copy
   */
  public FleetServerOptions withBindAddress(String address) {
    Copy c = new Copy(this);
    c.bindAddress = address;
    return c.build();
  }

  /**
   * These options with other liveness thresholds.
   *
   * @param notReady silence before not ready
   * @param lost further silence before lost
   * @param sweep how often liveness is judged
   * @return a copy
   */
  public FleetServerOptions withLiveness(Duration notReady, Duration lost, Duration sweep) {
    Copy c = new Copy(this);
    c.notReadyAfter = notReady;
    c.lostAfter = lost;
    c.sweepInterval = sweep;
    return c.build();
  }

  /**
   * These options with another agent certificate lifetime.
   *
   * @param lifetime 1 h to 7 d
   * @return a copy
   */
  public FleetServerOptions withAgentLifetime(Duration lifetime) {
    Copy c = new Copy(this);
    c.agentLifetime = lifetime;
    return c.build();
  }

  /**
   * These options with another reconciliation delay.
   *
   * @param after how long a job runs before it is reconciled
   * @return a copy
   */
  public FleetServerOptions withReconcileAfter(Duration after) {
    Copy c = new Copy(this);
    c.reconcileAfter = after;
    return c.build();
  }

  /**
   * These options with other SSH polling settings.
   *
   * @param polling the settings
   * @return a copy
   */
  public FleetServerOptions withSsh(SshPolling polling) {
    Copy c = new Copy(this);
    c.ssh = polling;
    return c.build();
  }

  /**
   * These options with another clock.
   *
   * @param clock the clock
   * @return a copy
   */
  public FleetServerOptions withClock(Clock clock) {
    Copy c = new Copy(this);
    c.clock = clock;
    return c.build();
  }

  /**
   * These options with the ledger in another store.
   *
   * @param location a directory or a {@code jdbc:postgresql:} URL; null for the fleet directory's
   * @param poll how often a standby tries to take over while another server leads
   * @return a copy
   */
  public FleetServerOptions withLedgerStore(String location, Duration poll) {
    Copy c = new Copy(this);
    c.ledgerStore = location;
    c.standbyPoll = poll;
    return c.build();
  }

  /** The components, changed one by one, then validated together by the canonical constructor. */
  private static final class Copy {
    String bindAddress;
    int port;
    Duration agentLifetime;
    Duration notReadyAfter;
    Duration lostAfter;
    Duration sweepInterval;
    Duration measurementFreshness;
    Duration reconcileAfter;
    double massFailoverShare;
    SshPolling ssh;
    Clock clock;
    String ledgerStore;
    Duration standbyPoll;

    Copy(FleetServerOptions o) {
      bindAddress = o.bindAddress;
      port = o.port;
      agentLifetime = o.agentLifetime;
      notReadyAfter = o.notReadyAfter;
      lostAfter = o.lostAfter;
      sweepInterval = o.sweepInterval;
      measurementFreshness = o.measurementFreshness;
      reconcileAfter = o.reconcileAfter;
      massFailoverShare = o.massFailoverShare;
      ssh = o.ssh;
      clock = o.clock;
      ledgerStore = o.ledgerStore;
      standbyPoll = o.standbyPoll;
    }

    FleetServerOptions build() {
      return new FleetServerOptions(
          bindAddress,
          port,
          agentLifetime,
          notReadyAfter,
          lostAfter,
          sweepInterval,
          measurementFreshness,
          reconcileAfter,
          massFailoverShare,
          ssh,
          clock,
          ledgerStore,
          standbyPoll);
    }
  }

  private static void positive(Duration d, String name) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }
}
