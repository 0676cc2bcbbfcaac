package io.hwledger.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a Llama-3-8B-shaped GGUF v3 file for the header benchmarks: the metadata a llama.cpp
 * conversion carries (a 128,256-string {@code tokenizer.ggml.tokens}, its {@code token_type} INT32
 * array, 280,147 BPE merges, a chat template) and a tensor list of a given length, Q4_K_M-style
 * types, with the data section left as a sparse hole. Deterministic: the same tensor count always
 * gives the same bytes, so the Java and Node benchmarks parse identical files.
 *
 * <p>Run as {@code java -cp benchmarks/target/benchmarks.jar io.hwledger.bench.GgufFixture FILE
 * TENSORS}.
 */
final class GgufFixture {
  static final int VOCAB = 128_256;
  static final int MERGES = 280_147;
  private static final int HIDDEN = 4096;
  private static final int ALIGNMENT = 32;

  private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
  private OutputStream out;
  private long written;

  private GgufFixture() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: GgufFixture FILE TENSORS");
      System.exit(2);
    }
    write(Path.of(args[0]), Integer.parseInt(args[1]));
  }

  /** Writes the file; returns its length in bytes. */
  static long write(Path file, int tensors) throws IOException {
    return new GgufFixture().writeFile(file, tensors);
  }

  private long writeFile(Path file, int tensors) throws IOException {
    long dataBytes;
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      out = o;
      out.write("GGUF".getBytes(StandardCharsets.US_ASCII));
      written = 4;
      u32(3);
      u64(tensors);
      u64(20);
      str("general.architecture", "llama");
      str("general.name", "Meta Llama 3.1 8B Instruct");
      u32kv("general.file_type", 15);
      u32kv("general.quantization_version", 2);
      u32kv("llama.block_count", 32);
      u32kv("llama.context_length", 131_072);
      u32kv("llama.embedding_length", HIDDEN);
      u32kv("llama.feed_forward_length", 14_336);
      u32kv("llama.attention.head_count", 32);
      u32kv("llama.attention.head_count_kv", 8);
      u32kv("llama.rope.dimension_count", 128);
      u32kv("llama.vocab_size", VOCAB);
      str("tokenizer.ggml.model", "gpt2");
      str("tokenizer.ggml.pre", "llama-bpe");
      SplittableRandom r = new SplittableRandom(42);
      key("tokenizer.ggml.tokens");
      u32(9);
      u32(8);
      u64(VOCAB);
      for (int i = 0; i < VOCAB; i++) {
        string(token(r, i));
      }
      key("tokenizer.ggml.token_type");
      u32(9);
      u32(5);
      u64(VOCAB);
      for (int i = 0; i < VOCAB; i++) {
        u32(i < 128_000 ? 1 : 3);
      }
      key("tokenizer.ggml.merges");
      u32(9);
      u32(8);
      u64(MERGES);
      for (int i = 0; i < MERGES; i++) {
        string(token(r, i) + " " + token(r, i + 7));
      }
      u32kv("tokenizer.ggml.bos_token_id", 128_000);
      u32kv("tokenizer.ggml.eos_token_id", 128_009);
      str("tokenizer.chat_template", "{{ bos_token }}{% for m in messages %}".repeat(100));
      dataBytes = tensorInfos(tensors);
      while (written % ALIGNMENT != 0) {
        out.write(0);
        written++;
      }
    }
    long length = written + dataBytes;
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(length);
    }
    return length;
  }

  /**
   * Token embedding and output, then layers of nine tensors, then extra norms to fill the count.
   */
  private long tensorInfos(int count) throws IOException {
    String[][] layer = {
      {"attn_norm.weight", "f32"},
      {"attn_q.weight", "q4_k"},
      {"attn_k.weight", "q4_k"},
      {"attn_v.weight", "q6_k"},
      {"attn_output.weight", "q4_k"},
      {"ffn_norm.weight", "f32"},
      {"ffn_gate.weight", "q4_k"},
      {"ffn_up.weight", "q4_k"},
      {"ffn_down.weight", "q6_k"},
    };
    long offset = 0;
    offset = tensor("token_embd.weight", 14, offset, HIDDEN, VOCAB);
    offset = tensor("output.weight", 14, offset, HIDDEN, VOCAB);
    int n = 2;
    for (int i = 0; n < count; i++) {
      String[] t = layer[i % layer.length];
      String name = "blk." + (i / layer.length) + "." + t[0];
      int type = t[1].equals("f32") ? 0 : t[1].equals("q4_k") ? 12 : 14;
      offset =
          t[1].equals("f32")
              ? tensor(name, type, offset, HIDDEN)
              : tensor(name, type, offset, HIDDEN, HIDDEN);
      n++;
    }
    return offset;
  }

  private long tensor(String name, int type, long offset, long... dims) throws IOException {
    string(name);
    u32(dims.length);
    for (long d : dims) {
      u64(d);
    }
    u32(type);
    u64(offset);
    long rows = dims.length > 1 ? dims[1] : 1;
    long blocks = type == 0 ? dims[0] : dims[0] / 256;
    long bytes = rows * blocks * (type == 0 ? 4 : type == 12 ? 144 : 210);
    return (offset + bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }

  /** A BPE-looking token: a leading Ġ on some, then 1-10 lower-case letters. */
  private static String token(SplittableRandom r, int i) {
    StringBuilder sb = new StringBuilder();
    if (i % 3 == 0) {
      sb.append('Ġ');
    }
    int len = 1 + r.nextInt(10);
    for (int k = 0; k < len; k++) {
      sb.append((char) ('a' + r.nextInt(26)));
    }
    return sb.toString();
  }

  private void key(String k) throws IOException {
    string(k);
  }

  private void str(String k, String v) throws IOException {
    key(k);
    u32(8);
    string(v);
  }

  private void u32kv(String k, int v) throws IOException {
    key(k);
    u32(4);
    u32(v);
  }

  private void string(String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    u64(b.length);
    out.write(b);
    written += b.length;
  }

  private void u32(long v) throws IOException {
    scratch.clear();
    scratch.putInt((int) v);
    out.write(scratch.array(), 0, 4);
    written += 4;
  }

  private void u64(long v) throws IOException {
    scratch.clear();
    scratch.putLong(v);
    out.write(scratch.array(), 0, 8);
    written += 8;
  }
}
