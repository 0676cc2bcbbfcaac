package io.hwledger.cli;

import io.hwledger.api.Engine;
import io.hwledger.api.EngineProfile;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.LlamaCppEngine;
import io.hwledger.api.MlxEngine;
import io.hwledger.api.SglangEngine;
import io.hwledger.api.TensorRtLlmEngine;
import io.hwledger.api.VllmEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import picocli.CommandLine.Option;

/**
 * {@code --engine} and each engine's memory settings, named as the engine names them; shared by
 * {@code plan} and {@code export}. A setting of another engine than the chosen one is an error.
 */
final class EngineOptions {
  @Option(
      names = "--engine",
      paramLabel = "NAME",
      description =
          "generic (default), vllm, llamacpp, sglang, trtllm or mlx: plan memory the way that"
              + " engine allocates it.")
  String engine;

  @Option(
      names = "--gpu-memory-utilization",
      paramLabel = "F",
      description = "vllm: fraction of each GPU it may use (default 0.9).")
  String gpuMemoryUtilization;

  @Option(
      names = "--block-size",
      paramLabel = "N",
      description = "vllm: tokens per KV block (default 16).")
  String blockSize;

  @Option(
      names = "--max-num-batched-tokens",
      paramLabel = "N",
      description = "vllm: tokens per step (default 8192 on 70 GiB+ GPUs but A100, else 2048).")
  String maxNumBatchedTokens;

  @Option(
      names = "--max-num-seqs",
      paramLabel = "N",
      description = "vllm: sequences per step (default 1024 on 70 GiB+ GPUs but A100, else 256).")
  String maxNumSeqs;

  @Option(
      names = "--cuda-graph-memory",
      paramLabel = "BYTES",
      description = "vllm 0.21+: its CUDA graph estimate, taken from the budget (default 0).")
  String cudaGraphMemory;

  @Option(
      names = "--ctx-size",
      paramLabel = "TOKENS",
      description = "llamacpp -c: KV cells for all slots (default: --context x --parallel).")
  String ctxSize;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      description = "llamacpp -np: slots (default: --users).")
  String parallel;

  @Option(
      names = "--n-gpu-layers",
      paramLabel = "N",
      description = "llamacpp -ngl: layers offloaded, output layer counted (default: all).")
  String gpuLayers;

  @Option(
      names = "--flash-attn",
      paramLabel = "on|off",
      description = "llamacpp -fa (default on; a quantised V cache needs it).")
  String flashAttention;

  @Option(names = "--kv-unified", description = "llamacpp -kvu: one KV stream for all slots.")
  boolean kvUnified;

  @Option(
      names = "--ubatch-size",
      paramLabel = "N",
      description = "llamacpp -ub: micro-batch tokens (default 512).")
  String ubatchSize;

  @Option(
      names = "--mem-fraction-static",
      paramLabel = "F",
      description = "sglang: fraction for weights and KV pool (default: SGLang's choice).")
  String memFractionStatic;

  @Option(
      names = "--chunked-prefill-size",
      paramLabel = "N",
      description = "sglang: prefill chunk (default: SGLang's choice by GPU memory).")
  String chunkedPrefillSize;

  @Option(
      names = "--free-gpu-memory-fraction",
      paramLabel = "F",
      description = "trtllm: fraction of free memory for the KV pool (default 0.9).")
  String freeGpuMemoryFraction;

  @Option(
      names = "--tokens-per-block",
      paramLabel = "N",
      description = "trtllm: tokens per KV block (default 32).")
  String tokensPerBlock;

  @Option(
      names = "--max-num-tokens",
      paramLabel = "N",
      description = "trtllm: tokens per batch (default 8192).")
  String maxNumTokens;

  @Option(
      names = "--max-kv-size",
      paramLabel = "TOKENS",
      description = "mlx: rotating KV cache size per sequence (default: unbounded).")
  String maxKvSize;

  @Option(
      names = "--kv-bits",
      paramLabel = "N",
      description = "mlx: quantised KV cache bits, 2-8 (default: unquantised).")
  String kvBits;

  @Option(
      names = "--kv-group-size",
      paramLabel = "N",
      description = "mlx: KV quantisation group, 32, 64 or 128 (default 64).")
  String kvGroupSize;

  /** The chosen engine's profile. */
  EngineProfile profile() {
    return engine == null ? EngineProfile.GENERIC : EngineProfile.parse(engine);
  }

  /**
   * The engine with its settings.
   *
   * @param gpu the GPU planned for, which some defaults depend on
   * @throws IllegalArgumentException naming an option that is malformed or belongs to another
   *     engine
   */
  Engine resolve(Optional<GpuSpec> gpu) {
    EngineProfile profile = profile();
    checkOnly(profile);
    switch (profile) {
      case VLLM:
        VllmEngine base = gpu.map(VllmEngine::defaultsFor).orElseGet(VllmEngine::defaults);
        return new VllmEngine(
            fraction("--gpu-memory-utilization", gpuMemoryUtilization)
                .orElse(base.gpuMemoryUtilization()),
            (int) count("--block-size", blockSize).orElse(base.blockSize()),
            count("--max-num-batched-tokens", maxNumBatchedTokens)
                .orElse(base.maxNumBatchedTokens()),
            (int) count("--max-num-seqs", maxNumSeqs).orElse(base.maxNumSeqs()),
            cudaGraphMemory == null ? 0 : SizeParser.bytes("--cuda-graph-memory", cudaGraphMemory));
      case LLAMA_CPP:
        return new LlamaCppEngine(
            ctxSize == null
                ? OptionalLong.empty()
                : OptionalLong.of(SizeParser.tokens("--ctx-size", ctxSize)),
            toInt(count("--parallel", parallel)),
            gpuLayers == null
                ? OptionalInt.empty()
                : OptionalInt.of((int) SizeParser.count("--n-gpu-layers", gpuLayers, 100_000)),
            flashAttention == null || onOff("--flash-attn", flashAttention),
            kvUnified,
            (int) count("--ubatch-size", ubatchSize).orElse(512));
      case SGLANG:
        return new SglangEngine(
            fraction("--mem-fraction-static", memFractionStatic),
            count("--chunked-prefill-size", chunkedPrefillSize));
      case TENSORRT_LLM:
        TensorRtLlmEngine trt = TensorRtLlmEngine.defaults();
        return new TensorRtLlmEngine(
            fraction("--free-gpu-memory-fraction", freeGpuMemoryFraction)
                .orElse(trt.freeGpuMemoryFraction()),
            (int) count("--tokens-per-block", tokensPerBlock).orElse(trt.tokensPerBlock()),
            count("--max-num-tokens", maxNumTokens).orElse(trt.maxNumTokens()));
      case MLX:
        return new MlxEngine(
            maxKvSize == null
                ? OptionalLong.empty()
                : OptionalLong.of(SizeParser.tokens("--max-kv-size", maxKvSize)),
            toInt(count("--kv-bits", kvBits)),
            (int) count("--kv-group-size", kvGroupSize).orElse(64));
      case GENERIC:
      default:
        return Engine.generic();
    }
  }

  /** Refuses settings that belong to another engine than {@code profile}. */
  private void checkOnly(EngineProfile profile) {
    List<String> foreign = new ArrayList<>();
    addIf(foreign, profile, EngineProfile.VLLM, gpuMemoryUtilization, "--gpu-memory-utilization");
    addIf(foreign, profile, EngineProfile.VLLM, blockSize, "--block-size");
    addIf(foreign, profile, EngineProfile.VLLM, maxNumBatchedTokens, "--max-num-batched-tokens");
    addIf(foreign, profile, EngineProfile.VLLM, maxNumSeqs, "--max-num-seqs");
    addIf(foreign, profile, EngineProfile.VLLM, cudaGraphMemory, "--cuda-graph-memory");
    addIf(foreign, profile, EngineProfile.LLAMA_CPP, ctxSize, "--ctx-size");
    addIf(foreign, profile, EngineProfile.LLAMA_CPP, parallel, "--parallel");
    addIf(foreign, profile, EngineProfile.LLAMA_CPP, gpuLayers, "--n-gpu-layers");
    addIf(foreign, profile, EngineProfile.LLAMA_CPP, flashAttention, "--flash-attn");
    addIf(foreign, profile, EngineProfile.LLAMA_CPP, kvUnified ? "" : null, "--kv-unified");
    addIf(foreign, profile, EngineProfile.LLAMA_CPP, ubatchSize, "--ubatch-size");
    addIf(foreign, profile, EngineProfile.SGLANG, memFractionStatic, "--mem-fraction-static");
    addIf(foreign, profile, EngineProfile.SGLANG, chunkedPrefillSize, "--chunked-prefill-size");
    addIf(
        foreign,
        profile,
        EngineProfile.TENSORRT_LLM,
        freeGpuMemoryFraction,
        "--free-gpu-memory-fraction");
    addIf(foreign, profile, EngineProfile.TENSORRT_LLM, tokensPerBlock, "--tokens-per-block");
    addIf(foreign, profile, EngineProfile.TENSORRT_LLM, maxNumTokens, "--max-num-tokens");
    addIf(foreign, profile, EngineProfile.MLX, maxKvSize, "--max-kv-size");
    addIf(foreign, profile, EngineProfile.MLX, kvBits, "--kv-bits");
    addIf(foreign, profile, EngineProfile.MLX, kvGroupSize, "--kv-group-size");
    if (!foreign.isEmpty()) {
      throw new IllegalArgumentException(foreign.get(0) + " (--engine is " + profile.id() + ")");
    }
  }

  private static void addIf(
      List<String> foreign,
      EngineProfile chosen,
      EngineProfile owner,
      String value,
      String option) {
    if (value != null && chosen != owner) {
      foreign.add(option + " is a " + owner.id() + " setting");
    }
  }

  private static OptionalLong count(String option, String text) {
    return text == null
        ? OptionalLong.empty()
        : OptionalLong.of(SizeParser.count(option, text, Integer.MAX_VALUE));
  }

  private static OptionalInt toInt(OptionalLong value) {
    return value.isPresent() ? OptionalInt.of((int) value.getAsLong()) : OptionalInt.empty();
  }

  private static OptionalDouble fraction(String option, String text) {
    if (text == null) {
      return OptionalDouble.empty();
    }
    double value;
    try {
      value = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": '" + text + "' is not a number", e);
    }
    if (!(value > 0 && value <= 1)) {
      throw new IllegalArgumentException(option + ": " + text + " is not in (0, 1]");
    }
    return OptionalDouble.of(value);
  }

  private static boolean onOff(String option, String text) {
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "on":
        return true;
      case "off":
        return false;
      default:
        throw new IllegalArgumentException(option + ": expected on or off, was '" + text + "'");
    }
  }
}
