package io.hwledger.bench.peer;

import io.hwledger.api.DType;
import io.hwledger.math.fixtures.GgufWriter;
import io.hwledger.math.gguf.GgufFile;
import io.hwledger.math.gguf.GgufReader;
import io.hwledger.math.gguf.GgufTensor;
import io.hwledger.math.gguf.GgufType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The shape of a GGUF the peer loads, and its writer: a decoder llama.cpp can load ({@code llama},
 * {@code gemma2}, {@code gemma3}), a small SentencePiece vocabulary (three control tokens, the 256
 * byte tokens, then plain ones) and small random weights, norms in F32 as llama.cpp's converter
 * writes them.
 *
 * @param id short name, also the file name
 * @param arch {@code general.architecture}
 * @param hidden {@code embedding_length}
 * @param layers {@code block_count}
 * @param heads query heads
 * @param kvHeads KV heads (GQA when fewer than {@code heads})
 * @param headDim {@code attention.key_length} and {@code value_length}
 * @param ff {@code feed_forward_length}
 * @param vocab tokens
 * @param weights type of the embedding, output and linear weights
 * @param tied no {@code output.weight}: the output reuses the token embedding
 * @param window {@code attention.sliding_window}, 0 for none (gemma2 and gemma3 only; llama.cpp's
 *     default pattern: every 2nd, 6th layer global)
 */
record PeerModel(
    String id,
    String arch,
    int hidden,
    int layers,
    int heads,
    int kvHeads,
    int headDim,
    int ff,
    int vocab,
    DType weights,
    boolean tied,
    int window) {

  private static final int TRAIN_CONTEXT = 131_072;
  private static final int BYTE_TOKENS = 256;
  private static final int CONTROL_TOKENS = 3;

  /** Writes the file {@code dir/id.gguf} with weights drawn from {@code seed}; returns it. */
  Path write(Path dir, long seed) throws IOException {
    Path file = dir.resolve(id + ".gguf");
    String p = arch + ".";
    GgufWriter w =
        new GgufWriter()
            .str("general.architecture", arch)
            .str("general.name", "hwledger-peer-" + id)
            .u32(p + "context_length", TRAIN_CONTEXT)
            .u32(p + "embedding_length", hidden)
            .u32(p + "block_count", layers)
            .u32(p + "feed_forward_length", ff)
            .u32(p + "attention.head_count", heads)
            .u32(p + "attention.head_count_kv", kvHeads)
            .u32(p + "attention.key_length", headDim)
            .u32(p + "attention.value_length", headDim)
            .u32(p + "rope.dimension_count", headDim)
            .kv(p + "rope.freq_base", GgufType.FLOAT32, 10_000f)
            .kv(p + "attention.layer_norm_rms_epsilon", GgufType.FLOAT32, 1e-6f);
    if (window > 0) {
      w.u32(p + "attention.sliding_window", window);
    }
    vocabulary(w);
    w.tensor("token_embd.weight", weights, hidden, vocab);
    w.tensor("output_norm.weight", DType.FP32, hidden);
    if (!tied) {
      w.tensor("output.weight", weights, hidden, vocab);
    }
    for (int i = 0; i < layers; i++) {
      String blk = "blk." + i + ".";
      w.tensor(blk + "attn_norm.weight", DType.FP32, hidden);
      w.tensor(blk + "attn_q.weight", weights, hidden, (long) heads * headDim);
      w.tensor(blk + "attn_k.weight", weights, hidden, (long) kvHeads * headDim);
      w.tensor(blk + "attn_v.weight", weights, hidden, (long) kvHeads * headDim);
      w.tensor(blk + "attn_output.weight", weights, (long) heads * headDim, hidden);
      if (arch.equals("gemma3")) {
        w.tensor(blk + "attn_q_norm.weight", DType.FP32, headDim);
        w.tensor(blk + "attn_k_norm.weight", DType.FP32, headDim);
      }
      if (!arch.equals("llama")) {
        w.tensor(blk + "post_attention_norm.weight", DType.FP32, hidden);
        w.tensor(blk + "post_ffw_norm.weight", DType.FP32, hidden);
      }
      w.tensor(blk + "ffn_norm.weight", DType.FP32, hidden);
      w.tensor(blk + "ffn_gate.weight", weights, hidden, ff);
      w.tensor(blk + "ffn_up.weight", weights, hidden, ff);
      w.tensor(blk + "ffn_down.weight", weights, ff, hidden);
    }
    w.write(file);
    fill(file, seed);
    return file;
  }

  /** SentencePiece ({@code llama}) tokens: unk, bos, eos, the byte tokens, then plain ones. */
  private void vocabulary(GgufWriter w) {
    List<Object> tokens = new ArrayList<>(vocab);
    List<Object> scores = new ArrayList<>(vocab);
    List<Object> types = new ArrayList<>(vocab);
    tokens.add("<unk>");
    tokens.add("<s>");
    tokens.add("</s>");
    types.add(2);
    types.add(3);
    types.add(3);
    for (int b = 0; b < BYTE_TOKENS; b++) {
      tokens.add(String.format("<0x%02X>", b));
      types.add(6);
    }
    for (int t = CONTROL_TOKENS + BYTE_TOKENS; t < vocab; t++) {
      tokens.add("t" + t);
      types.add(1);
    }
    for (int t = 0; t < vocab; t++) {
      scores.add(-(float) t);
    }
    w.str("tokenizer.ggml.model", "llama")
        .kv("tokenizer.ggml.tokens", GgufType.ARRAY, new GgufWriter.Arr(GgufType.STRING, tokens))
        .kv("tokenizer.ggml.scores", GgufType.ARRAY, new GgufWriter.Arr(GgufType.FLOAT32, scores))
        .kv("tokenizer.ggml.token_type", GgufType.ARRAY, new GgufWriter.Arr(GgufType.INT32, types))
        .u32("tokenizer.ggml.unknown_token_id", 0)
        .u32("tokenizer.ggml.bos_token_id", 1)
        .u32("tokenizer.ggml.eos_token_id", 2);
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
