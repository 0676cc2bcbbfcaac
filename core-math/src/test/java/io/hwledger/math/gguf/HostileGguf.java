package io.hwledger.math.gguf;

import static io.hwledger.math.fixtures.GgufWriter.arr;

import io.hwledger.api.DType;
import io.hwledger.math.HostileCorpus;
import io.hwledger.math.fixtures.GgufWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The GGUF part of {@link HostileCorpus}; offsets as in {@link GgufLimitsTest}. */
public final class HostileGguf {
  private HostileGguf() {}

  /** Writes the hostile GGUF files under {@code dir}. */
  public static List<HostileCorpus.Case> write(Path dir) throws IOException {
    Path array =
        sparse(
            dir.resolve("huge-array.gguf"),
            new GgufWriter().kv("a", GgufType.ARRAY, arr(GgufType.UINT8, 1)).header(),
            41,
            Integer.MAX_VALUE - 8,
            1L << 32);
    Path strings =
        sparse(
            dir.resolve("many-strings.gguf"),
            new GgufWriter().kv("a", GgufType.ARRAY, arr(GgufType.STRING, "")).header(),
            41,
            1 << 24,
            200L << 20);
    Path tensors =
        sparse(dir.resolve("many-tensors.gguf"), new GgufWriter().header(), 8, 262_145, 16L << 20);
    Path layers = missingLayers().write(dir.resolve("missing-layers.gguf"));
    return List.of(
        new HostileCorpus.Case(
            "gguf 2^31-element array in a 4 GiB sparse file",
            "gguf",
            array,
            array
                + ": byte 41: array metadata 'a' claims 2147483639 UINT8 elements, more than the"
                + " limit of 16777216"),
        new HostileCorpus.Case(
            "gguf 2^24 empty strings",
            "gguf",
            strings,
            strings
                + ": byte 11184825: metadata 'a' takes the header's estimated memory to 134217762"
                + " bytes, past the limit of 134217728 (48 bytes per string plus 2 per byte of it,"
                + " element size per number)"),
        new HostileCorpus.Case(
            "gguf 262,145 tensors",
            "gguf",
            tensors,
            tensors + ": byte 8: tensor count 262145 is more than the limit of 262144"),
        new HostileCorpus.Case(
            "gguf block_count 32 with 2 layers of tensors",
            "gguf",
            layers,
            layers + ": decoder layer 2 has no tensors, but the decoder has 32 layers"));
  }

  /** A llama with {@code block_count} 32 and tensors for layers 0 and 1 only. */
  static GgufWriter missingLayers() {
    return new GgufWriter()
        .str("general.architecture", "llama")
        .u32("llama.block_count", 32)
        .tensor("blk.0.attn_q.weight", DType.FP16, 64, 64)
        .tensor("blk.1.attn_q.weight", DType.FP16, 64, 64);
  }

  private static Path sparse(Path file, byte[] header, int at, long value, long length)
      throws IOException {
    ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
    Files.deleteIfExists(file);
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      out.write(header);
      out.setLength(length);
    }
    return file;
  }
}
