package io.hwledger.bench.peer;

import io.hwledger.api.DType;
import io.hwledger.math.fixtures.DecoderGguf;
import io.hwledger.math.gguf.GgufFile;
import io.hwledger.math.gguf.GgufReader;
import io.hwledger.math.gguf.GgufTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/** Writes the peer's GGUF files: a {@link DecoderGguf} header, then small random weights. */
final class PeerWeights {
  private PeerWeights() {}

  /** Writes {@code dir/id.gguf} of {@code model} with weights drawn from {@code seed}. */
  static Path write(DecoderGguf model, Path dir, long seed) throws IOException {
    Path file = model.writeHeader(dir);
    fill(file, seed);
    return file;
  }

  /**
   * Replaces the data section's holes with small random weights: floats of magnitude 2^-10 to 2^-6,
   * and quantised blocks of random codes whose fp16 scales are about 2^-10.
   */
  private static void fill(Path file, long seed) throws IOException {
    GgufFile gguf = GgufReader.read(file);
    SplittableRandom random = new SplittableRandom(seed);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      for (GgufTensor t : gguf.tensors()) {
        DType type = t.type();
        long bytes = type.bytes(t.rows(), t.columns());
        ByteBuffer data =
            ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        Blocks.fill(type, data, random);
        data.flip();
        long at = gguf.dataOffset() + t.offset();
        while (data.hasRemaining()) {
          at += ch.write(data, at);
        }
      }
    }
  }

  /** Random contents of one tensor by its ggml block layout. */
  private static final class Blocks {
    private Blocks() {}

    static void fill(DType type, ByteBuffer out, SplittableRandom r) {
      switch (type.name()) {
        case "fp32":
          while (out.hasRemaining()) {
            out.putFloat(Float.intBitsToFloat(f32Bits(r)));
          }
          break;
        case "fp16":
          while (out.hasRemaining()) {
            out.putShort(f16(r, 5 + r.nextInt(5)));
          }
          break;
        case "bf16":
          while (out.hasRemaining()) {
            out.putShort((short) (f32Bits(r) >>> 16));
          }
          break;
        case "q8_0":
          blocks(out, r, 34, new int[] {0});
          break;
        case "q4_0":
          blocks(out, r, 18, new int[] {0});
          break;
        case "q4_k":
          blocks(out, r, 144, new int[] {0, 2});
          break;
        case "q6_k":
          blocks(out, r, 210, new int[] {208});
          break;
        default:
          throw new IllegalArgumentException("no random fill for " + type.name());
      }
    }

    /** Blocks of {@code size} random bytes with an fp16 scale at each of {@code scales}. */
    private static void blocks(ByteBuffer out, SplittableRandom r, int size, int[] scales) {
      byte[] block = new byte[size];
      while (out.hasRemaining()) {
        r.nextBytes(block);
        int start = out.position();
        out.put(block);
        for (int s : scales) {
          out.putShort(start + s, f16(r, 5));
        }
      }
    }

    /** An fp16 of exponent field {@code exp} (2^(exp-15)), random sign and mantissa. */
    private static short f16(SplittableRandom r, int exp) {
      return (short) ((r.nextInt(2) << 15) | (exp << 10) | r.nextInt(1 << 10));
    }

    /** An fp32 of magnitude 2^-10 to 2^-6, random sign and mantissa. */
    private static int f32Bits(SplittableRandom r) {
      return (r.nextInt(2) << 31) | ((117 + r.nextInt(5)) << 23) | r.nextInt(1 << 23);
    }
  }
}
