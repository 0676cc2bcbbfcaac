package io.hwledger.api;

import java.util.Locale;

/** The inference engines whose memory behaviour the planner models; see {@link Engine}. */
public enum EngineProfile {
  /** No particular engine: caches sized exactly for the workload; see {@link GenericEngine}. */
  GENERIC("generic"),
  /** vLLM; see {@link VllmEngine}. */
  VLLM("vllm"),
  /** llama.cpp ({@code llama-server}); see {@link LlamaCppEngine}. */
  LLAMA_CPP("llamacpp"),
  /** SGLang; see {@link SglangEngine}. */
  SGLANG("sglang"),
  /** TensorRT-LLM; see {@link TensorRtLlmEngine}. */
  TENSORRT_LLM("trtllm"),
  /** MLX ({@code mlx-lm}) on Apple silicon; see {@link MlxEngine}. */
  MLX("mlx");

  private final String id;

  EngineProfile(String id) {
    this.id = id;
  }

  /** Short lower-case identifier used on the command line and in JSON, e.g. {@code llamacpp}. */
  public String id() {
    return id;
  }

  /**
   * The profile named {@code text}: its {@link #id()}, or a common spelling ({@code llama.cpp},
   * {@code tensorrt-llm}), case-insensitive.
   *
   * @throws IllegalArgumentException naming the accepted identifiers when none matches
   */
  public static EngineProfile parse(String text) {
    String key = text.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    switch (key) {
      case "llama.cpp":
      case "llamacpp":
        return LLAMA_CPP;
      case "tensorrtllm":
      case "trtllm":
        return TENSORRT_LLM;
      default:
        for (EngineProfile p : values()) {
          if (p.id.equals(key)) {
            return p;
          }
        }
        throw new IllegalArgumentException(
            "unknown engine '"
                + text
                + "'; expected one of generic, vllm, llamacpp, sglang,"
                + " trtllm, mlx");
    }
  }
}
