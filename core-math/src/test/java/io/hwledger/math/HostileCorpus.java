package io.hwledger.math;

import io.hwledger.api.ModelConfigException;
import io.hwledger.api.ModelSpec;
import io.hwledger.math.gguf.GgufFile;
import io.hwledger.math.gguf.GgufReader;
import io.hwledger.math.gguf.HostileGguf;
import io.hwledger.math.safetensors.HostileSafetensors;
import io.hwledger.math.safetensors.SafetensorsCheckpoint;
import io.hwledger.math.safetensors.SafetensorsReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parsers' hostile corpus: files whose claims would make a careless reader allocate gigabytes,
 * each with the one-line error the reader must give. {@link HostileCorpusTest} writes them and runs
 * {@link #main} on them in a child JVM with a 256 MiB heap.
 */
public final class HostileCorpus {
  private HostileCorpus() {}

  /**
   * One file of the corpus.
   *
   * @param name a short label
   * @param kind {@code gguf}, {@code safetensors} or {@code config}: which reader takes it
   * @param path the file
   * @param expected the message the reader must throw
   */
  public record Case(String name, String kind, Path path, String expected) {}

  /** Writes the corpus under {@code dir} and returns its cases. */
  public static List<Case> write(Path dir) throws IOException {
    List<Case> cases = new ArrayList<>();
    cases.addAll(HostileGguf.write(Files.createDirectories(dir.resolve("gguf"))));
    cases.addAll(HostileSafetensors.write(Files.createDirectories(dir.resolve("safetensors"))));
    cases.addAll(configs(Files.createDirectories(dir.resolve("config"))));
    return cases;
  }

  private static final String LLAMA =
      "{\"model_type\":\"llama\",\"hidden_size\":4096,\"num_hidden_layers\":%d,"
          + "\"num_attention_heads\":32,\"num_key_value_heads\":8,\"intermediate_size\":14336,"
          + "\"vocab_size\":128256,\"max_position_embeddings\":8192,\"torch_dtype\":\"bfloat16\"}";

  private static List<Case> configs(Path dir) throws IOException {
    List<Case> cases = new ArrayList<>();
    Path layers =
        Files.writeString(dir.resolve("layers.json"), String.format(LLAMA, Integer.MAX_VALUE));
    cases.add(
        new Case(
            "config num_hidden_layers 2^31-1",
            "config",
            layers,
            layers + ": 'num_hidden_layers' is 2147483647, more than the limit of 1024 layers"));
    Path trailing =
        Files.writeString(
            dir.resolve("trailing.json"), String.format(LLAMA, 2) + String.format(LLAMA, 2));
    cases.add(
        new Case(
            "config with a second object",
            "config",
            trailing,
            trailing
                + ": malformed JSON at line 1, column 215: content after the top-level value"));
    // {"x":[{},{},...]} up to 4 MiB: about 1.4 million empty objects, 2.8 million tokens.
    StringBuilder bomb = new StringBuilder(4 << 20).append("{\"x\":[{}");
    while (bomb.length() < (4 << 20) - 8) {
      bomb.append(",{}");
    }
    Path tokens = Files.writeString(dir.resolve("tokens.json"), bomb.append("]}").toString());
    cases.add(
        new Case(
            "config of 2^20+ tokens",
            "config",
            tokens,
            tokens
                + ": malformed JSON: Token count (1048577) exceeds the maximum allowed (1048576, from"
                + " `StreamReadConstraints.getMaxTokenCount()`)"));
    return cases;
  }

  /**
   * Reads every case listed in the file {@code args[0]} (lines of kind, tab, path) through its
   * reader and what the planner does next, printing one line per case: {@code OK}, or {@code
   * REFUSED} and the message, or {@code THREW} and the exception.
   */
  public static void main(String[] args) throws IOException {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
      String[] f = line.split("\t", 2);
      Path path = Path.of(f[1]);
      try {
        read(f[0], path);
        out.println("OK");
      } catch (ModelConfigException e) {
        out.println("REFUSED\t" + e.getMessage());
      } catch (RuntimeException e) {
        out.println("THREW\t" + e);
      }
    }
  }

  private static void read(String kind, Path path) {
    switch (kind) {
      case "gguf":
        {
          GgufFile f = GgufReader.read(path);
          CheckpointWeights weights = f.checkpointWeights();
          Planner.of(f.modelSpec(), weights);
          break;
        }
      case "safetensors":
        {
          SafetensorsCheckpoint c = SafetensorsReader.read(path);
          c.checkpointWeights();
          break;
        }
      default:
        {
          ModelSpec spec = HfConfigReader.read(path);
          Planner.of(spec);
        }
    }
  }
}
