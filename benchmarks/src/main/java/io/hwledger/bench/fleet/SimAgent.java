package io.hwledger.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.fleet.client.FleetClient;
import io.hwledger.fleet.client.FleetClientException;
import io.hwledger.fleet.pki.AgentKeys;
import io.hwledger.fleet.pki.Certificates;
import io.hwledger.fleet.pki.Credential;
import io.hwledger.fleet.protocol.CertificateResponse;
import io.hwledger.fleet.protocol.EnrollRequest;
import io.hwledger.fleet.protocol.GpuInfo;
import io.hwledger.fleet.protocol.GpuSample;
import io.hwledger.fleet.protocol.Heartbeat;
import io.hwledger.fleet.protocol.HostFacts;
import io.hwledger.fleet.protocol.Inventory;
import io.hwledger.fleet.protocol.JoinString;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.protocol.Telemetry;
import io.hwledger.fleet.protocol.WatchEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One simulated GPU host: its own P-256 key and certificate from the server's enrollment endpoint,
 * its own {@link FleetClient} (one JDK {@code HttpClient}, as the real agent has), eight H100s
 * whose readings drift a little on every report, and one watch stream read on a thread of its own.
 */
final class SimAgent {
  /** The reported product name: what NVML says for an H100 SXM. */
  static final String GPU_NAME = "NVIDIA H100 80GB HBM3";

  /** Each GPU's total memory, 80 GiB. */
  static final long GPU_BYTES = 85_899_345_920L;

  /** PCI bus numbers of an HGX H100 board's eight GPUs. */
  private static final int[] BUSES = {0x18, 0x2a, 0x3a, 0x5d, 0x9a, 0xab, 0xba, 0xdb};

  /** Redials of a watch stream that ended while the run went on; more and the agent gives up. */
  private static final int MAX_REDIALS = 5;

  private static final ObjectMapper JSON = Protocol.json();

  final int index;
  final String id;
  final FleetClient client;
  final List<GpuInfo> gpus;
  final HostFacts host;

  /** Set while this agent's telemetry or heartbeat is in flight; at most one of each. */
  final AtomicBoolean telemetryBusy = new AtomicBoolean();

  final AtomicBoolean heartbeatBusy = new AtomicBoolean();

  private final SplittableRandom random;
  private long heartbeatSeq;
  private volatile boolean stopping;

  private SimAgent(
      int index, String id, FleetClient client, List<GpuInfo> gpus, HostFacts host, long seed) {
    this.index = index;
    this.id = id;
    this.client = client;
    this.gpus = gpus;
    this.host = host;
    this.random = new SplittableRandom(seed);
  }

  /**
   * Enrolls agent {@code index} through {@code pinned} (a client that trusts the server only by the
   * join string's CA pin): makes its key here, sends the CSR with the join token, and builds its
   * mutual-TLS client from the certificate and CAs the server returns.
   */
  static SimAgent enroll(
      int index,
      JoinString join,
      FleetClient pinned,
      URI server,
      int gpuCount,
      Duration timeout,
      SecureRandom keys) {
    KeyPair pair = AgentKeys.generate(keys);
    HostFacts host =
        new HostFacts(
            String.format(Locale.ROOT, "gpu-%04d.load.test", index),
            "Linux",
            "amd64",
            224,
            2L << 40);
    EnrollRequest request =
        new EnrollRequest(
            Protocol.VERSION,
            Base64.getEncoder().encodeToString(AgentKeys.request(pair)),
            host,
            Map.of("rack", "r" + index / 32));
    CertificateResponse cert =
        pinned.send("POST", Protocol.ENROLL, request, join.token(), CertificateResponse.class);
    Credential credential =
        new Credential(pair.getPrivate(), Certificates.parse(cert.certificate()));
    List<X509Certificate> cas = new ArrayList<>();
    cert.trustedCas().forEach(pem -> cas.addAll(Certificates.parse(pem)));
    FleetClient client = FleetClient.of(server, () -> credential, cas, timeout);
    long seed = keys.nextLong();
    SplittableRandom ids = new SplittableRandom(seed);
    List<GpuInfo> gpus = new ArrayList<>();
    for (int g = 0; g < gpuCount; g++) {
      gpus.add(
          new GpuInfo(
              g,
              "GPU-" + new UUID(ids.nextLong(), ids.nextLong()),
              GPU_NAME,
              "nvidia",
              "nvml",
              String.format(Locale.ROOT, "00000000:%02X:00.0", BUSES[g % BUSES.length] + g / 8),
              GPU_BYTES,
              false));
    }
    return new SimAgent(index, cert.agentId(), client, List.copyOf(gpus), host, seed);
  }

  private String path(String what) {
    return Protocol.AGENTS + id + "/" + what;
  }

  void inventory() {
    client.send(
        "PUT",
        path("inventory"),
        new Inventory(Protocol.VERSION, host, gpus),
        null,
        JsonNode.class);
  }

  /** One telemetry report: a sample of every GPU, idle-ish H100s with some noise. */
  void telemetry() {
    long now = System.currentTimeMillis();
    List<GpuSample> samples = new ArrayList<>(gpus.size());
    for (GpuInfo g : gpus) {
      long used = (512L << 20) + random.nextLong(256L << 20);
      samples.add(
          new GpuSample(
              g.uuid(),
              now,
              true,
              used,
              GPU_BYTES - used,
              (double) random.nextInt(101),
              30.0 + random.nextInt(40),
              70.0 + random.nextInt(630),
              List.of()));
    }
    client.send(
        "POST", path("telemetry"), new Telemetry(Protocol.VERSION, samples), null, JsonNode.class);
  }

  void heartbeat() {
    client.send(
        "POST",
        path("heartbeat"),
        new Heartbeat(Protocol.VERSION, heartbeatSeq++, System.currentTimeMillis()),
        null,
        JsonNode.class);
  }

  /**
   * Holds the watch stream until {@link #stop}: counts its lines by type, counts down {@code
   * snapshot} at the first snapshot, redials a stream that ends early after a second, at most
   * {@value #MAX_REDIALS} times.
   */
  void watch(LoadStats stats, CountDownLatch snapshot) {
    boolean first = true;
    for (int dial = 0; dial <= MAX_REDIALS && !stopping; dial++) {
      long started = stats.now();
      boolean opened = false;
      try (InputStream in = client.stream(path("watch"));
          BufferedReader lines =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        opened = true;
        stats.watchesOpen.incrementAndGet();
        String line;
        while ((line = lines.readLine()) != null) {
          WatchEvent event = JSON.readValue(line, WatchEvent.class);
          stats.watchLine(event.type().name());
          if (first && event.type() == WatchEvent.Type.SNAPSHOT) {
            first = false;
            stats.answered(LoadStats.Kind.WATCH, started, started, stats.now());
            snapshot.countDown();
          }
        }
        if (!stopping) {
          stats.failed(
              LoadStats.Kind.WATCH,
              stats.now(),
              new FleetClientException(0, "the stream ended", null));
        }
      } catch (IOException e) {
        if (!stopping) {
          stats.failed(LoadStats.Kind.WATCH, stats.now(), new UncheckedIOException(e));
        }
      } catch (RuntimeException e) {
        if (!stopping) {
          stats.failed(LoadStats.Kind.WATCH, stats.now(), e);
        }
      } finally {
        if (opened) {
          stats.watchesOpen.decrementAndGet();
        }
      }
      if (stopping) {
        return;
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Tells the watch loop that the streams are about to close and not to redial. */
  void stop() {
    stopping = true;
  }
}
