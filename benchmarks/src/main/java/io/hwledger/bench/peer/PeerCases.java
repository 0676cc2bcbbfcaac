package io.hwledger.bench.peer;

import io.hwledger.api.DType;
import io.hwledger.math.fixtures.DecoderGguf;
import java.util.ArrayList;
import java.util.List;

/** The shapes and flags the peer runs: dense GQA and MHA, sliding-window, weight and KV types. */
final class PeerCases {
  private static final DType Q8_0 = DType.parse("q8_0");
  private static final DType Q4_0 = DType.parse("q4_0");
  private static final DType Q4_K = DType.parse("q4_k");

  static final DecoderGguf LLAMA_GQA =
      new DecoderGguf(
          "llama-gqa-f16", "llama", 512, 4, 8, 2, 64, 1536, 32_000, DType.FP16, false, 0);
  static final DecoderGguf LLAMA_WIDE_FFN =
      new DecoderGguf(
          "llama-ffn4096", "llama", 512, 4, 8, 2, 64, 4096, 32_000, DType.FP16, false, 0);
  static final DecoderGguf LLAMA_H1024 =
      new DecoderGguf("llama-h1024", "llama", 1024, 2, 16, 4, 64, 1024, 8192, DType.FP16, false, 0);
  static final DecoderGguf LLAMA_MHA_TIED =
      new DecoderGguf(
          "llama-mha-f32-tied", "llama", 256, 2, 4, 4, 64, 768, 8192, DType.FP32, true, 0);
  static final DecoderGguf LLAMA_BF16 =
      new DecoderGguf("llama-bf16", "llama", 512, 4, 8, 4, 64, 1536, 32_000, DType.BF16, false, 0);
  static final DecoderGguf LLAMA_Q8_0 =
      new DecoderGguf("llama-q8_0", "llama", 512, 4, 8, 2, 64, 1536, 32_000, Q8_0, false, 0);
  static final DecoderGguf LLAMA_Q4_0 =
      new DecoderGguf("llama-q4_0", "llama", 512, 4, 8, 2, 64, 1536, 32_000, Q4_0, false, 0);
  static final DecoderGguf LLAMA_Q4_K =
      new DecoderGguf("llama-q4_k", "llama", 512, 4, 8, 2, 64, 1536, 32_000, Q4_K, false, 0);
  static final DecoderGguf GEMMA2 =
      new DecoderGguf(
          "gemma2-swa", "gemma2", 512, 4, 8, 4, 128, 1024, 16_384, DType.FP16, true, 256);
  static final DecoderGguf GEMMA3 =
      new DecoderGguf(
          "gemma3-swa", "gemma3", 512, 12, 4, 1, 128, 1024, 32_000, DType.FP16, true, 512);

  private PeerCases() {}

  /** Every case, in the order the table prints them. */
  static List<PeerCase> all() {
    List<PeerCase> c = new ArrayList<>();
    for (long ctx : new long[] {1000, 4096, 32_768}) {
      for (boolean fa : new boolean[] {true, false}) {
        c.add(new PeerCase(LLAMA_GQA, ctx, 1, 512, fa, "f16", "f16", true));
      }
    }
    c.add(new PeerCase(LLAMA_GQA, 131_072, 1, 512, true, "f16", "f16", true));
    c.add(new PeerCase(LLAMA_GQA, 8192, 4, 512, true, "f16", "f16", true));
    c.add(new PeerCase(LLAMA_GQA, 8192, 4, 512, false, "f16", "f16", true));
    c.add(new PeerCase(LLAMA_GQA, 4096, 1, 256, true, "f16", "f16", true));
    c.add(new PeerCase(LLAMA_GQA, 4096, 1, 128, false, "f16", "f16", true));
    c.add(new PeerCase(LLAMA_GQA, 16_384, 1, 512, true, "q8_0", "q8_0", true));
    c.add(new PeerCase(LLAMA_GQA, 16_384, 1, 512, true, "q4_0", "q4_0", true));
    c.add(new PeerCase(LLAMA_GQA, 16_384, 2, 512, false, "q8_0", "f16", true));
    c.add(new PeerCase(LLAMA_GQA, 4096, 1, 512, true, "f16", "f16", false));
    for (DecoderGguf m : List.of(LLAMA_WIDE_FFN, LLAMA_H1024)) {
      for (long ctx : new long[] {4096, 65_536}) {
        c.add(new PeerCase(m, ctx, 1, 512, true, "f16", "f16", true));
        c.add(new PeerCase(m, ctx, 1, 512, false, "f16", "f16", true));
      }
    }
    c.add(new PeerCase(LLAMA_MHA_TIED, 2048, 1, 512, true, "f16", "f16", true));
    c.add(new PeerCase(LLAMA_MHA_TIED, 2048, 1, 512, false, "f16", "f16", false));
    c.add(new PeerCase(LLAMA_MHA_TIED, 8192, 1, 512, false, "f32", "f32", true));
    for (DecoderGguf m : List.of(LLAMA_BF16, LLAMA_Q8_0, LLAMA_Q4_0, LLAMA_Q4_K)) {
      c.add(new PeerCase(m, 4096, 1, 512, true, "f16", "f16", true));
      c.add(new PeerCase(m, 4096, 1, 512, true, "f16", "f16", false));
    }
    c.add(new PeerCase(GEMMA2, 1024, 1, 512, true, "f16", "f16", true));
    c.add(new PeerCase(GEMMA2, 4096, 1, 512, true, "f16", "f16", true));
    c.add(new PeerCase(GEMMA2, 4096, 1, 512, false, "f16", "f16", true));
    c.add(new PeerCase(GEMMA2, 8192, 2, 512, true, "q8_0", "q8_0", true));
    c.add(new PeerCase(GEMMA3, 4096, 1, 512, true, "f16", "f16", true));
    c.add(new PeerCase(GEMMA3, 4096, 1, 512, false, "f16", "f16", true));
    c.add(new PeerCase(GEMMA3, 32_768, 4, 512, true, "f16", "f16", true));
    c.add(new PeerCase(GEMMA3, 65_536, 1, 256, true, "q4_0", "q4_0", true));
    return c;
  }
}
