package io.hwledger.bench.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.math.fixtures.DecoderGguf;
import io.hwledger.math.gguf.GgufFile;
import io.hwledger.math.gguf.GgufReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The llama.cpp peer: writes GGUFs of many shapes, loads each in real llama.cpp on the CPU ({@code
 * benchmarks/llama-peer/peer.mjs}, node-llama-cpp's prebuilt libraries), and compares what
 * llama.cpp logged with the planner's plan for the same file and flags (llama.cpp engine, {@code
 * -ngl 0}). Prints one row per case and exits 1 when a row is outside the tolerances ({@link
 * PeerTable}).
 *
 * <p>Run through {@code benchmarks/llama-peer.sh}, or as {@code java -cp benchmarks.jar
 * io.hwledger.bench.peer.LlamaPeer OUT_DIR NODE_DIR}, where {@code NODE_DIR} holds {@code peer.mjs}
 * and its installed {@code node_modules}.
 */
public final class LlamaPeer {
  private static final long NODE_TIMEOUT_MINUTES = 20;

  private LlamaPeer() {}

  /**
   * Runs every case.
   *
   * @param args the output folder (GGUF files, cases, llama.cpp's lines, the table) and the folder
   *     of {@code peer.mjs} with its {@code node_modules}
   * @throws IOException if a file cannot be written or node cannot be started
   * @throws InterruptedException if interrupted while node runs
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: LlamaPeer OUT_DIR NODE_DIR");
      System.exit(2);
    }
    Path out = Files.createDirectories(Path.of(args[0]));
    Path nodeDir = Path.of(args[1]);
    List<PeerCase> cases = PeerCases.all();
    Map<DecoderGguf, Path> files = new LinkedHashMap<>();
    long seed = 15;
    for (PeerCase c : cases) {
      if (!files.containsKey(c.model())) {
        files.put(c.model(), PeerWeights.write(c.model(), out, seed++));
      }
    }
    ObjectMapper json = new ObjectMapper();
    List<Map<String, Object>> requests = new ArrayList<>();
    for (PeerCase c : cases) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("id", c.id());
      r.put("file", files.get(c.model()).toAbsolutePath().toString());
      r.put("nCtx", c.nCtx());
      r.put("seqs", c.seqs());
      r.put("ubatch", c.ubatch());
      r.put("flash", c.flash());
      r.put("typeK", c.typeK());
      r.put("typeV", c.typeV());
      r.put("mmap", c.mmap());
      requests.add(r);
    }
    Path casesFile = out.resolve("cases.json");
    json.writerWithDefaultPrettyPrinter().writeValue(casesFile.toFile(), requests);
    Path lines = out.resolve("llama-lines.jsonl");
    Process node =
        new ProcessBuilder(
                "node",
                nodeDir.resolve("peer.mjs").toAbsolutePath().toString(),
                casesFile.toAbsolutePath().toString())
            .directory(nodeDir.toFile())
            .redirectOutput(lines.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    if (!node.waitFor(NODE_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      node.destroyForcibly();
      throw new IOException("node peer.mjs ran past " + NODE_TIMEOUT_MINUTES + " minutes");
    }
    if (node.exitValue() != 0) {
      throw new IOException("node peer.mjs exited with " + node.exitValue());
    }
    Map<String, JsonNode> results = new LinkedHashMap<>();
    for (String line : Files.readAllLines(lines, StandardCharsets.UTF_8)) {
      JsonNode n = json.readTree(line);
      results.put(n.get("id").asText(), n);
    }
    PeerTable table = new PeerTable();
    for (PeerCase c : cases) {
      JsonNode r = results.get(c.id());
      if (r == null || !r.path("ok").asBoolean()) {
        table.failed(c, r == null ? "no result" : r.path("error").asText("context not created"));
        continue;
      }
      GgufFile file = GgufReader.read(files.get(c.model()));
      LlamaCppLog log = LlamaCppLog.parse(strings(r.get("modelLines")), strings(r.get("lines")));
      table.row(c, log, PeerPlan.of(file, c), file.tensors().size());
    }
    String report = table.render();
    System.out.print(report);
    Files.writeString(out.resolve("peer-table.md"), report, StandardCharsets.UTF_8);
    if (table.failures() > 0) {
      System.err.printf(
          Locale.ROOT, "%d of %d rows outside the tolerances%n", table.failures(), cases.size());
      System.exit(1);
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }
}
