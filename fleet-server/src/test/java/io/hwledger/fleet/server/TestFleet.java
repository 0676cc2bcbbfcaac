package io.hwledger.fleet.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.fleet.client.FleetClient;
import io.hwledger.fleet.pki.AgentKeys;
import io.hwledger.fleet.pki.Certificates;
import io.hwledger.fleet.pki.Credential;
import io.hwledger.fleet.pki.TlsContexts;
import io.hwledger.fleet.protocol.CertificateResponse;
import io.hwledger.fleet.protocol.EnrollRequest;
import io.hwledger.fleet.protocol.GpuInfo;
import io.hwledger.fleet.protocol.GpuSample;
import io.hwledger.fleet.protocol.Heartbeat;
import io.hwledger.fleet.protocol.HostFacts;
import io.hwledger.fleet.protocol.Inventory;
import io.hwledger.fleet.protocol.JobSpec;
import io.hwledger.fleet.protocol.JoinString;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.protocol.Telemetry;
import io.hwledger.fleet.protocol.TokenRequest;
import io.hwledger.fleet.protocol.TokenResponse;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.RecordedEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A fleet directory and a running server on loopback, with helpers to enroll test agents. */
final class TestFleet implements AutoCloseable {
  static final char[] PASSPHRASE = "correct horse battery".toCharArray();
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  final Path dir;
  final FleetHome home;
  final SecureRandom random = new SecureRandom();
  FleetServer server;
  FleetClient admin;

  TestFleet(Path dir, FleetServerOptions options) throws IOException {
    this(dir, options, System.getenv());
  }

  TestFleet(Path dir, FleetServerOptions options, Map<String, String> env) throws IOException {
    this.dir = dir;
    this.home =
        FleetHome.init(
            dir,
            "test.fleet",
            PASSPHRASE,
            URI.create("https://127.0.0.1:1"),
            List.of("localhost"),
            List.of(InetAddress.getLoopbackAddress()),
            Instant.now(),
            random);
    start(options, env);
  }

  void start(FleetServerOptions options) throws IOException {
    start(options, System.getenv());
  }

  /** Starts the server with {@code env} for its ledger store's settings (database role). */
  void start(FleetServerOptions options, Map<String, String> env) throws IOException {
    server = FleetServer.start(home, PASSPHRASE, null, options.withBindAddress("127.0.0.1"), env);
    admin = FleetClient.of(server.url(), () -> adminCredential(), adminCas(), TIMEOUT);
  }

  Credential adminCredential() {
    try {
      return Credential.load(home.adminDir(), "admin");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  List<java.security.cert.X509Certificate> adminCas() {
    try {
      return Certificates.read(home.adminDir().resolve("ca.crt"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  JoinString token(int uses, long ttlSeconds) {
    TokenResponse t =
        admin.send(
            "POST",
            "/v1/admin/tokens",
            new TokenRequest(Protocol.VERSION, ttlSeconds, uses, Map.of("pool", "test")),
            null,
            TokenResponse.class);
    return JoinString.parse(t.join());
  }

  /** An enrolled agent: its key, its certificate response and an mTLS client. */
  record Enrolled(
      KeyPair keys, CertificateResponse cert, Credential credential, FleetClient client) {
    String path(String what) {
      return "/v1/agents/" + cert.agentId() + "/" + what;
    }
  }

  CertificateResponse enrollRaw(JoinString join, KeyPair keys) {
    FleetClient pinned = FleetClient.of(join.server(), TlsContexts.pinned(join.caPin()), TIMEOUT);
    EnrollRequest request =
        new EnrollRequest(
            Protocol.VERSION,
            Base64.getEncoder().encodeToString(AgentKeys.request(keys)),
            new HostFacts("gpu-host-1", "Linux", "amd64", 16, 1L << 36),
            Map.of());
    return pinned.send("POST", Protocol.ENROLL, request, join.token(), CertificateResponse.class);
  }

  Enrolled enroll(JoinString join) {
    KeyPair keys = AgentKeys.generate(random);
    CertificateResponse cert = enrollRaw(join, keys);
    Credential credential =
        new Credential(keys.getPrivate(), Certificates.parse(cert.certificate()));
    FleetClient client = FleetClient.of(server.url(), () -> credential, adminCas(), TIMEOUT);
    return new Enrolled(keys, cert, credential, client);
  }

  /** An H100 SXM as nvidia-smi names it, with the catalog's total (gpus.json), bytes. */
  static final String H100 = "NVIDIA H100 80GB HBM3";

  static final long H100_TOTAL = 85_520_809_984L;

  /** The uuid of the agent's GPU {@code index} in {@link #report}. */
  static String gpuUuid(Enrolled a, int index) {
    return "GPU-" + a.cert().agentId().substring(0, 8) + "-" + index;
  }

  /** Reports two idle H100s: their inventory, then one sample each (all memory free). */
  static void report(Enrolled a, String host) {
    List<GpuInfo> gpus = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      gpus.add(new GpuInfo(i, gpuUuid(a, i), H100, "nvidia", "nvml", null, H100_TOTAL, false));
    }
    a.client()
        .send(
            "PUT",
            a.path("inventory"),
            new Inventory(
                Protocol.VERSION, new HostFacts(host, "Linux", "amd64", 8, 1L << 36), gpus),
            null,
            JsonNode.class);
    telemetry(a);
  }

  /** One sample of each of the agent's two GPUs of {@link #report}, all memory free. */
  static void telemetry(Enrolled a) {
    List<GpuSample> samples = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      samples.add(
          new GpuSample(gpuUuid(a, i), 0, true, 0L, H100_TOTAL, 0.0, null, null, List.of()));
    }
    a.client()
        .send(
            "POST",
            a.path("telemetry"),
            new Telemetry(Protocol.VERSION, samples),
            null,
            JsonNode.class);
  }

  static void beat(Enrolled a) {
    a.client()
        .send(
            "POST",
            a.path("heartbeat"),
            new Heartbeat(Protocol.VERSION, 1, 0),
            null,
            JsonNode.class);
  }

  /**
   * llama-3.1-8b on vLLM, 8,192 tokens, one user: it claims 0.9 of the H100 SXM's CUDA-visible
   * 79.18 GiB (the GPU catalog's), 71.26 GiB, so one fills an H100.
   */
  static JobSpec vllm() {
    return new JobSpec(
        Protocol.VERSION,
        "llama-3.1-8b",
        null,
        null,
        null,
        "vllm",
        Map.of(),
        8192,
        1,
        null,
        null,
        1,
        null);
  }

  JsonNode adminGet(String what) {
    return admin.send("GET", "/v1/admin/" + what, null, null, JsonNode.class);
  }

  /** Reads one line of a watch stream, without its newline. */
  static String readLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      b.append((char) c);
    }
    return b.toString();
  }

  /**
   * Reads a watch stream until it ends, at most 30 s: the server closing it (EOF or a reset) ends
   * the read; a stream still open then fails the test.
   */
  static String readToEnd(InputStream in) throws Exception {
    CompletableFuture<String> rest =
        CompletableFuture.supplyAsync(
            () -> {
              StringBuilder b = new StringBuilder();
              try {
                int c;
                while ((c = in.read()) != -1) {
                  b.append((char) c);
                }
              } catch (IOException e) {
                // the connection was closed under the stream: what the server's abort does
              }
              return b.toString();
            });
    try {
      return rest.get(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      in.close();
      throw new AssertionError("the watch stream was still open after 30 s", e);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }

  /** Every record of the fleet's ledger, in order; the server must be closed. */
  List<RecordedEvent> recorded() {
    List<RecordedEvent> out = new ArrayList<>();
    try (Ledger ledger = Ledger.openReadOnly(home.ledgerDir())) {
      ledger.forEach(0, ledger.size(), out::add);
    }
    return out;
  }
}
