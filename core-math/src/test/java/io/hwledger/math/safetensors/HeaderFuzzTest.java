package io.hwledger.math.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.hwledger.api.ModelConfigException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mutated and truncated copies of a valid file: the reader either reads them or refuses them with a
 * {@link ModelConfigException}, never another exception. The seed is printed and can be fixed with
 * {@code -Dhwledger.seed=N}.
 */
class HeaderFuzzTest {
  static final long SEED = Long.getLong("hwledger.seed", System.nanoTime());
  private static final int CASES = 300;
  private static final String ALPHABET = "{}[]\":,-.0123456789eE aFIU_\\";

  static {
    System.out.println(
        "HeaderFuzzTest seed: " + SEED + " (rerun with -Dhwledger.seed=" + SEED + ")");
  }

  @TempDir Path dir;

  static Stream<Integer> cases() {
    return IntStream.range(0, CASES).boxed();
  }

  private static SafetensorsWriter valid() {
    return new SafetensorsWriter()
        .metadata("format", "pt")
        .tensor("model.embed_tokens.weight", "BF16", 16, 4)
        .tensor("model.layers.0.self_attn.o_proj.qweight", "I32", 1, 4)
        .tensor("model.layers.0.self_attn.o_proj.scales", "F16", 1, 4)
        .tensor("model.layers.1.mlp.experts.down_proj_blocks", "U8", 2, 4, 1, 16)
        .tensor("model.norm.weight", "F32", 4)
        .tensor("lm_head.weight", "F8_E4M3", 16, 4);
  }

  @ParameterizedTest(name = "case {0}")
  @MethodSource("cases")
  void mutatedHeadersAreReadOrRefused(int index) throws IOException {
    SplittableRandom random = new SplittableRandom(SEED + index);
    SafetensorsWriter writer = valid();
    byte[] header = writer.header().getBytes(StandardCharsets.UTF_8);
    long declared = header.length;
    long data = writer.dataBytes();
    int mutations = 1 + random.nextInt(3);
    for (int m = 0; m < mutations; m++) {
      switch (random.nextInt(5)) {
        case 0 -> header[random.nextInt(header.length)] = (byte) pick(random);
        case 1 -> header = insert(header, random.nextInt(header.length + 1), (byte) pick(random));
        case 2 -> header = delete(header, random.nextInt(header.length));
        case 3 ->
            declared = random.nextBoolean() ? random.nextLong() : declared + random.nextInt(-8, 9);
        default -> data = Math.max(0, data + random.nextInt(-8, 9));
      }
      if (header.length == 0) {
        header = new byte[] {'{'};
      }
    }
    Path file =
        SafetensorsWriter.writeRaw(dir.resolve("model.safetensors"), declared, header, data);
    if (random.nextInt(4) == 0) {
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
        f.setLength(random.nextLong(f.length() + 1));
      }
    }

    assertThatCode(
            () -> {
              try {
                SafetensorsCheckpoint ckpt = SafetensorsReader.read(file);
                assertThat(ckpt.totalBytes()).isEqualTo(ckpt.files().get(0).dataBytes());
                ckpt.checkpointWeights();
              } catch (ModelConfigException e) {
                assertThat(e.getMessage()).doesNotContain("\n");
              }
            })
        .doesNotThrowAnyException();
  }

  private static char pick(SplittableRandom random) {
    return ALPHABET.charAt(random.nextInt(ALPHABET.length()));
  }

  private static byte[] insert(byte[] a, int at, byte b) {
    byte[] out = new byte[a.length + 1];
    System.arraycopy(a, 0, out, 0, at);
    out[at] = b;
    System.arraycopy(a, at, out, at + 1, a.length - at);
    return out;
  }

  private static byte[] delete(byte[] a, int at) {
    byte[] out = new byte[a.length - 1];
    System.arraycopy(a, 0, out, 0, at);
    System.arraycopy(a, at + 1, out, at, a.length - at - 1);
    return out;
  }
}
