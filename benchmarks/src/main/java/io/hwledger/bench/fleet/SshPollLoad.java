package io.hwledger.bench.fleet;

import io.hwledger.fleet.ssh.HostKeyPolicy;
import io.hwledger.fleet.ssh.HostProbe;
import io.hwledger.fleet.ssh.ProbeResult;
import io.hwledger.fleet.ssh.SshFailure;
import io.hwledger.fleet.ssh.SshPoller;
import io.hwledger.fleet.ssh.SshPolling;
import io.hwledger.fleet.ssh.SshSessions;
import io.hwledger.fleet.ssh.SshSettings;
import io.hwledger.fleet.ssh.SshTarget;
import io.hwledger.fleet.ssh.fixtures.InMemoryHostKeyStore;
import io.hwledger.fleet.ssh.fixtures.KeyFiles;
import io.hwledger.fleet.ssh.fixtures.RecordedSshServer;
import io.hwledger.testsupport.ManualClock;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The fleet's SSH poller against N SSH hosts (issue 14, item 5): N {@link RecordedSshServer}s on
 * 127.0.0.1 in this JVM, each with its own Ed25519 host key, all authorising one client key and
 * answering the probe's commands with recorded outputs (a Linux host with an H100 and an A100); one
 * {@link SshSessions} with strict host-key checking against a {@code known_hosts} file listing
 * every server; one {@link SshPoller} with the fleet's polling settings; and R rounds driven by the
 * harness through {@link SshPoller#round} on a clock it moves on between rounds. The first round is
 * cold (TCP, key exchange and authentication per host), the others reuse the pooled sessions. It
 * reports each round's wall time, polls, sessions and commands as both sides count them, and CPU
 * per poll split between the client's threads and the servers'. See {@code benchmarks/README.md},
 * "SSH polling".
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.hwledger.bench.fleet.SshPollLoad --concurrency 16
 * </pre>
 */
public final class SshPollLoad {
  /** The fleet server's polling: every 10 s, a command timeout of 10 s, backoff up to 5 min. */
  static final Duration INTERVAL = Duration.ofSeconds(10);

  static final String CLIENT = "client: ";
  static final String SERVERS = "servers: ";

  private SshPollLoad() {}

  /**
   * Runs the harness with the command line's options and prints the report.
   *
   * @param args options; {@code --help} lists them
   * @throws Exception if the run fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(SshPollOptions.USAGE);
      return;
    }
    SshPollOptions options;
    String recording;
    try {
      options = SshPollOptions.parse(args);
      recording = recording(options.nvidiaSmi());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    SshPollReport report = run(options, recording, System.out);
    System.out.print(report.text());
    if (options.json() != null) {
      Files.writeString(options.json(), report.json(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Reads the {@code nvidia-smi} recording.
   *
   * @param file the CSV file
   * @return its text
   * @throws IllegalArgumentException naming the file when it cannot be read
   */
  static String recording(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the nvidia-smi recording "
              + file.toAbsolutePath()
              + " (--nvidia-smi FILE; run from the project's root for the default): "
              + e,
          e);
    }
  }

  /**
   * One run.
   *
   * @param o what to run
   * @param recording the {@code nvidia-smi} GPU query's recorded output
   * @param progress where to print progress lines
   * @return the figures
   * @throws IOException if a server cannot listen or the key files cannot be written
   * @throws InterruptedException if interrupted
   */
  static SshPollReport run(SshPollOptions o, String recording, PrintStream progress)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("ssh-poll-");
    try {
      return new Run(o, recording, dir, progress).call();
    } finally {
      FleetLoad.deleteTree(dir);
    }
  }

  /**
   * The report's group of a thread, by the names MINA SSHD 2.x gives its threads ({@code
   * sshd-SshClient[hash]-nio2-thread-N}, {@code …-timer-thread-N}; the servers' alike with {@code
   * SshServer}), the poller's ({@code ssh-poll-N}, {@code ssh-poll-timer}) and the fixture's
   * command threads ({@code recorded-ssh-command}). MINA's NIO2 channel group also gets one JDK
   * thread per client or server, named {@code Thread-N} (the JDK's, for a group on an executor that
   * is not a fixed pool: it waits on epoll and hands completions to MINA's threads); those are told
   * apart by the names that appeared while the client, or the servers, started.
   *
   * @param thread the thread's name
   * @param clientStarted names of the threads that appeared while the client started
   * @param serversStarted names of the threads that appeared while the servers started
   * @return the group, prefixed {@value #CLIENT} or {@value #SERVERS} for the two sides
   */
  static String group(String thread, Set<String> clientStarted, Set<String> serversStarted) {
    if (clientStarted.contains(thread) && !thread.startsWith("sshd-")) {
      return CLIENT + "JDK channel group of MINA's NIO2 (Thread-N)";
    }
    if (serversStarted.contains(thread) && !thread.startsWith("sshd-")) {
      return SERVERS + "JDK channel groups of MINA's NIO2 (Thread-N)";
    }
    if (thread.startsWith("sshd-SshClient")) {
      return CLIENT + "MINA client I/O and timer (sshd-SshClient[…]-…)";
    }
    if (thread.startsWith("ssh-poll-")) {
      return CLIENT + "poller (ssh-poll-N, ssh-poll-timer)";
    }
    if (thread.startsWith("sshd-SshServer")) {
      return SERVERS + "MINA servers' I/O and timers (sshd-SshServer[…]-…)";
    }
    if (thread.startsWith("recorded-ssh-command")) {
      return SERVERS + "recorded commands (recorded-ssh-command)";
    }
    return "harness and JVM service threads (main, load-sampler, …)";
  }

  /** The names of the live threads. */
  static Set<String> threadNames() {
    Set<String> names = new HashSet<>();
    Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName()));
    return names;
  }

  /** The names in {@code after} that are not in {@code before}. */
  static Set<String> appeared(Set<String> before, Set<String> after) {
    Set<String> out = new HashSet<>(after);
    out.removeAll(before);
    return out;
  }

  /** The commands a probe sends, looked up in {@link HostProbe#commands()} by how they start. */
  static String probeCommand(String prefix) {
    List<String> found = HostProbe.commands().stream().filter(c -> c.startsWith(prefix)).toList();
    if (found.size() != 1) {
      throw new IllegalStateException(
          "HostProbe.commands() has " + found.size() + " commands starting \"" + prefix + "\"");
    }
    return found.get(0);
  }

  /** Counts what the poller's listener hears. */
  static final class Tally implements SshPoller.Listener {
    final AtomicLong polled = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong gpus = new AtomicLong();
    volatile String firstFailure = "";

    @Override
    public void polled(SshTarget target, ProbeResult result) {
      polled.incrementAndGet();
      gpus.addAndGet(result.gpus().size());
    }

    @Override
    public void failed(SshTarget target, SshFailure failure, int failures, Instant next) {
      if (failed.getAndIncrement() == 0) {
        firstFailure = target.address() + ": " + failure.getMessage();
      }
    }
  }

  /** The state of one run. */
  private static final class Run {
    final SshPollOptions o;
    final String recording;
    final Path dir;
    final PrintStream progress;
    final SshPollReport report = new SshPollReport();
    Set<String> serversStarted = Set.of();
    Set<String> clientStarted = Set.of();

    Run(SshPollOptions o, String recording, Path dir, PrintStream progress) {
      this.o = o;
      this.recording = recording;
      this.dir = dir;
      this.progress = progress;
    }

    SshPollReport call() throws IOException, InterruptedException {
      report.options = o;
      report.startedAt = Instant.now();
      report.loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      KeyPair client = KeyFiles.ed25519();
      Path keyFile = KeyFiles.writeOpenSsh(client, dir.resolve("id_ed25519"));
      List<RecordedSshServer> servers = new ArrayList<>();
      try {
        long setupStart = System.nanoTime();
        Set<String> before = threadNames();
        for (int i = 0; i < o.targets(); i++) {
          RecordedSshServer server = RecordedSshServer.start(client.getPublic());
          servers.add(server);
          answerAsRecorded(server, "gpu-" + i);
        }
        serversStarted = appeared(before, threadNames());
        Path knownHosts = dir.resolve("known_hosts");
        Files.write(
            knownHosts,
            servers.stream().map(RecordedSshServer::knownHostsLine).toList(),
            StandardCharsets.UTF_8);
        report.setupSeconds = (System.nanoTime() - setupStart) / 1e9;
        progress.printf(
            Locale.ROOT,
            "%d SSH servers on 127.0.0.1 in %.1f s; known_hosts lists %d keys%n",
            servers.size(),
            report.setupSeconds,
            servers.size());
        poll(servers, keyFile, knownHosts);
        for (RecordedSshServer s : servers) {
          report.serverSessions.add(s.sessionsOpened());
          report.serverCommands += s.commandsRun();
        }
      } finally {
        for (RecordedSshServer s : servers) {
          s.close();
        }
      }
      report.loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      report.finish();
      return report;
    }

    /** The recorded Linux host of {@code HostProbeTest}: 64 CPUs, 512 GiB, an H100 and an A100. */
    private void answerAsRecorded(RecordedSshServer server, String hostname) {
      server.answer(probeCommand("uname "), "Linux " + hostname + " x86_64\n", 0);
      server.answer(probeCommand("getconf "), "64\n", 0);
      server.answer(probeCommand("grep MemTotal "), "MemTotal:       528282624 kB\n", 0);
      server.answer(probeCommand("nvidia-smi --query-gpu="), recording, 0);
      // everything else the probe sends (nvidia-smi's compute-apps query, rocm-smi) is answered
      // as a shell answers a command it does not know: exit 127, "not found"
    }

    private void poll(List<RecordedSshServer> servers, Path keyFile, Path knownHosts)
        throws InterruptedException {
      ManualClock clock = new ManualClock(Instant.now());
      Tally tally = new Tally();
      SshPolling polling =
          new SshPolling(INTERVAL, o.concurrency(), Duration.ofSeconds(10), Duration.ofMinutes(5));
      InMemoryHostKeyStore store = new InMemoryHostKeyStore();
      Set<String> before = threadNames();
      try (SshSessions sessions = new SshSessions(SshSettings.DEFAULTS, store);
          SshPoller poller = new SshPoller(sessions, new HostProbe(clock), polling, clock, tally)) {
        clientStarted = appeared(before, threadNames());
        Function<String, String> grouping = t -> group(t, clientStarted, serversStarted);
        for (RecordedSshServer s : servers) {
          poller.put(
              new SshTarget(
                  s.address("hwledger"), keyFile, List.of(), HostKeyPolicy.STRICT, knownHosts));
        }
        JvmSampler cold = new JvmSampler(0, grouping);
        cold.start();
        round(poller, 1);
        cold.stop();
        report.coldPolls = tally.polled.get() + tally.failed.get();
        report.coldCommands = sessions.stats().commandsRun();
        JvmSampler warm = new JvmSampler(0, grouping);
        warm.start();
        for (int r = 2; r <= o.rounds(); r++) {
          // every host polled in the last round is due again once the interval has passed
          clock.advance(INTERVAL.plusMillis(1));
          round(poller, r);
        }
        warm.stop();
        report.cold = cold;
        report.warm = warm;
        report.polled = tally.polled.get();
        report.failed = tally.failed.get();
        report.gpus = tally.gpus.get();
        report.firstFailure = tally.firstFailure;
        report.sessions = sessions.stats();
        report.refusedHostKeys = store.refusals().size();
      }
    }

    private void round(SshPoller poller, int r) throws InterruptedException {
      SshPoller.Round round = poller.round(o.roundTimeout());
      report.rounds.add(round);
      progress.printf(
          Locale.ROOT,
          "round %d: %d polled, %d failed in %.3f s%n",
          r,
          round.polled(),
          round.failed(),
          round.wall().toNanos() / 1e9);
    }
  }
}
