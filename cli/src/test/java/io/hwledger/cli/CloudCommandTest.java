package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.RecordedEvent;
import io.hwledger.ledger.events.PriceObserved;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Verifies("FR-CLOUD-011")
class CloudCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path home;

  /** No real configuration or cache: both XDG homes in the test's directory. */
  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
    env.put("XDG_CACHE_HOME", home.resolve("cache").toString());
    return env;
  }

  @Test
  void pricesOfflineListTheSnapshotCheapestGpuHourFirstWithItsDate() throws IOException {
    Cli.Result r =
        Cli.runWithEnv(env(), "cloud", "prices", "--offline", "--provider", "runpod", "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode root = JSON.readTree(r.out());
    JsonNode source = root.get("sources").get(0);
    assertThat(source.get("source").asText()).isEqualTo("runpod");
    assertThat(source.get("origin").asText()).isEqualTo("SNAPSHOT");
    assertThat(source.get("warning").asText())
        .startsWith("offline: using the snapshot of 2026-11-09");
    List<Double> perGpu = new ArrayList<>();
    root.get("offers").forEach(o -> perGpu.add(o.get("usdPerGpuHour").asDouble()));
    assertThat(perGpu).isSorted().isNotEmpty();
    JsonNode h100 = null;
    for (JsonNode o : root.get("offers")) {
      if (o.get("sku").asText().equals("NVIDIA H100 80GB HBM3")
          && o.get("tier").asText().equals("SECURE")) {
        h100 = o;
      }
    }
    assertThat(h100).isNotNull();
    // runpod.io/pricing, 2026-11-09: $3.99 per GPU-hour, 80 GB (memoryInGb, GiB)
    assertThat(h100.get("usdPerGpuHour").asDouble()).isEqualTo(3.99);
    assertThat(h100.get("memoryPerGpuBytes").asLong()).isEqualTo(80L * 1024 * 1024 * 1024);
    assertThat(h100.get("gpu").asText()).isEqualTo("h100-sxm-80gb");
    assertThat(r.err()).contains("using the snapshot of 2026-11-09");
  }

  @Test
  @Verifies({"FR-CLOUD-010", "FR-CLOUD-011"})
  void offersRankFittingOffersByCostPerTokenAndListTheExportLine() throws IOException {
    Cli.Result text =
        Cli.runWithEnv(
            env(),
            "cloud",
            "offers",
            "--model",
            "llama-3.1-8b",
            "--context",
            "8192",
            "--users",
            "8",
            "--offline",
            "--provider",
            "runpod");
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out()).startsWith("llama-3.1-8b on vllm: 8 users × 8192 tokens; ");
    assertThat(text.out())
        .contains("export: hwledger export --model llama-3.1-8b --engine vllm --gpu ");

    Cli.Result json =
        Cli.runWithEnv(
            env(),
            "cloud",
            "offers",
            "--model",
            "llama-3.1-8b",
            "--context",
            "8192",
            "--users",
            "8",
            "--offline",
            "--provider",
            "runpod",
            "--json");
    JsonNode root = JSON.readTree(json.out());
    List<Double> cost = new ArrayList<>();
    Map<String, List<double[]>> byLayout = new HashMap<>();
    for (JsonNode f : root.get("fits")) {
      cost.add(f.get("usdPerMillionTokens").asDouble());
      long copies = f.get("replicas").asLong();
      assertThat(f.get("sequencesPerReplica").asLong() * copies).isGreaterThanOrEqualTo(8);
      String layout =
          f.get("offer").get("gpu").asText()
              + " "
              + f.get("tensorParallel").asText()
              + "x"
              + copies
              + " "
              + f.get("sequencesPerReplica").asText();
      byLayout
          .computeIfAbsent(layout, k -> new ArrayList<>())
          .add(
              new double[] {
                f.get("offer").get("usdPerInstanceHour").asDouble(),
                f.get("usdPerMillionTokens").asDouble()
              });
    }
    // The same GPU and layout decode equally fast, so cost per token scales with the snapshot's
    // hourly prices (RunPod's Secure and Community prices of one GPU type).
    int pairs = 0;
    for (List<double[]> same : byLayout.values()) {
      for (int i = 1; i < same.size(); i++) {
        double priceRatio = same.get(i)[0] / same.get(0)[0];
        assertThat(same.get(i)[1] / same.get(0)[1])
            .isCloseTo(priceRatio, org.assertj.core.api.Assertions.within(1e-9));
        pairs++;
      }
    }
    assertThat(pairs).isPositive();
    assertThat(cost).isNotEmpty().isSorted();
  }

  @Test
  @Verifies("FR-CLOUD-012")
  void recordAppendsTheChosenPricesAndPlanToTheLedger() throws IOException {
    Path ledger = home.resolve("ledger");
    Cli.Result r =
        Cli.runWithEnv(
            env(),
            "cloud",
            "offers",
            "--model",
            "qwen3-8b",
            "--context",
            "4096",
            "--offline",
            "--provider",
            "runpod",
            "--record",
            ledger.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).contains("recorded the chosen plan as seq ");
    List<String> types = new ArrayList<>();
    List<PriceObserved> prices = new ArrayList<>();
    try (Ledger l = Ledger.openReadOnly(ledger)) {
      for (RecordedEvent e : l.read(0, (int) l.size())) {
        types.add(e.type());
        if (e.type().equals(PriceObserved.TYPE)) {
          prices.add(PriceObserved.from(e));
        }
      }
    }
    // the cheapest offer and the next four, then the chosen plan
    assertThat(types)
        .containsExactly(
            "price.observed",
            "price.observed",
            "price.observed",
            "price.observed",
            "price.observed",
            "plan.computed");
    assertThat(prices)
        .allSatisfy(
            p -> {
              assertThat(p.provider()).isEqualTo("runpod");
              assertThat(p.origin()).isEqualTo("SNAPSHOT");
              assertThat(p.fetchedAt()).isEqualTo("2026-11-09T00:00:00Z");
            });
  }

  @Test
  @Verifies({"FR-CLOUD-003", "FR-CLOUD-004"})
  void aRefusedKeyFallsBackToTheSnapshotAndIsNeverPrinted() throws IOException {
    String key = "rp-fake-key-7f3a9c";
    try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      AtomicInteger answered = new AtomicInteger();
      Thread t = new Thread(() -> answer401(server, answered), "fake-runpod");
      t.setDaemon(true);
      t.start();
      Path config = home.resolve("config").resolve("hwledger");
      Files.createDirectories(config);
      Files.writeString(
          config.resolve("cloud.properties"),
          "runpod.baseUri=http://127.0.0.1:" + server.getLocalPort() + "\n");
      Map<String, String> env = env();
      env.put("RUNPOD_API_KEY", key);
      Cli.Result r = Cli.runWithEnv(env, "cloud", "prices", "--provider", "runpod");
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(r.err())
          .contains(
              "RunPod rejected the API key (HTTP 401); check RUNPOD_API_KEY; using the snapshot of 2026-11-09");
      assertThat(r.out() + r.err()).doesNotContain(key);
      assertThat(answered.get()).isEqualTo(1); // a refused key is not retried
      try (var files = Files.list(home.resolve("cache").resolve("hwledger").resolve("cloud"))) {
        // nothing live was cached
        assertThat(files).isEmpty();
      } catch (java.nio.file.NoSuchFileException e) {
        // no cache directory at all: also nothing cached
      }
    }
  }

  /** Answers every connection with 401, until the socket closes. */
  private static void answer401(ServerSocket server, AtomicInteger answered) {
    for (int i = 0; i < 10; i++) {
      try (Socket s = server.accept()) {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        int n = in.read(buf);
        if (n <= 0) {
          continue;
        }
        answered.incrementAndGet();
        OutputStream out = s.getOutputStream();
        out.write(
            "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        return;
      }
    }
  }

  @Test
  void badOptionsAreUsageErrorsInOneLine() {
    Cli.Result both =
        Cli.runWithEnv(env(), "cloud", "prices", "--offline", "--spot", "--on-demand");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err())
        .contains("--spot and --on-demand exclude each other")
        .doesNotContain("at io.");
    Cli.Result price =
        Cli.runWithEnv(env(), "cloud", "prices", "--offline", "--max-price", "cheap");
    assertThat(price.exitCode()).isEqualTo(2);
    assertThat(price.err())
        .contains("--max-price must be US dollars per hour, such as 2.50; got 'cheap'");
    Cli.Result provider =
        Cli.runWithEnv(env(), "cloud", "prices", "--offline", "--provider", "aws");
    assertThat(provider.exitCode()).isEqualTo(2);
    assertThat(provider.err()).contains("unknown price source 'aws' (known: ");
  }
}
