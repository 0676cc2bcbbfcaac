package io.hwledger.examples.tgi;

import io.hwledger.api.DType;
import io.hwledger.api.Deployment;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.Fit;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.MemoryBreakdown;
import io.hwledger.api.Workload;
import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.EngineResult;
import io.hwledger.math.engine.EngineSetting;
import io.hwledger.math.engine.LaunchArgs;
import io.hwledger.math.engine.LaunchRequest;
import io.hwledger.math.engine.PlanInput;
import io.hwledger.math.engine.SettingValues;
import io.hwledger.math.engine.StageInput;
import io.hwledger.math.engine.generic.GenericEngineModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Hugging Face Text Generation Inference's memory accounting, as an engine added from outside
 * hwLedger: one class for the rules and settings, {@link TgiEngine} for the values, and a line in
 * {@code META-INF/services/io.hwledger.math.engine.EngineModel}. With this jar on the class path,
 * {@code hwledger plan --engine tgi}, {@code export --engine tgi} and {@code --help} know it.
 *
 * <p>The rules follow TGI v3 at commit {@code db931fcf} (2026-01-08):
 *
 * <ul>
 *   <li>Warm-up ({@code server/text_generation_server/models/flash_causal_lm.py}, {@code warmup})
 *       loads the weights, runs a prefill of {@code max_batch_prefill_tokens} tokens, then sizes
 *       the KV cache from {@code get_free_memory(device, MEMORY_FRACTION · TGI_WIGGLE_ROOM)}, which
 *       is {@code free − (1 − fraction · wiggle) · total} ({@code utils/import_utils.py}), with
 *       {@code TGI_WIGGLE_ROOM} 0.90 ({@code models/globals.py}) and {@code MEMORY_FRACTION} the
 *       launcher's {@code --cuda-memory-fraction} (default 1.0). The warm-up's own blocks are added
 *       back, so the pool is {@code fraction · 0.90 · total − used}, where used is the runtime
 *       (CUDA context, NCCL: taken as {@link GenericEngineModel#RUNTIME_OVERHEAD_BYTES}), the
 *       weights and the warm-up prefill's activation peak (the planner's forward activations of
 *       {@code max_batch_prefill_tokens} tokens, plus one token's logits).
 *   <li>{@code num_blocks = pool // (num_layers · BLOCK_SIZE · kv_heads · head_size · 2 · dtype)}
 *       with {@code BLOCK_SIZE} by attention backend: flashinfer 1 (the launcher's default on CUDA,
 *       {@code launcher/src/main.rs} {@code resolve_attention}), paged 16, flashdecoding 256. The
 *       router's {@code max_batch_total_tokens} is {@code num_blocks · BLOCK_SIZE}.
 *   <li>{@code --max-batch-prefill-tokens} defaults to the GPU's f16 FLOPs over the model's FLOPs
 *       per token, else 4,096, capped by {@code max_position_embeddings} and VRAM ({@code
 *       launcher/src/main.rs}); the FLOPs estimate is not modelled here: 4,096 capped by the
 *       model's context limit (pass the value TGI logs as "Default `max_batch_prefill_tokens` to N"
 *       to match a deployment).
 *   <li>TGI shards with tensor parallelism only ({@code --num-shard}); pipeline stages are refused.
 * </ul>
 *
 * <p>Not calibrated against a published startup log: an example of the SPI, documented from the
 * source. The launch command is {@code text-generation-launcher} with {@code --kv-cache-dtype}
 * fp8_e4m3fn or fp8_e5m2 and {@code --quantize fp8} for online fp8 weights.
 */
public final class TgiEngineModel implements EngineModel<TgiEngine> {
  /** {@code TGI_WIGGLE_ROOM}: the share of the usable memory warm-up lets the KV cache fill. */
  static final double WIGGLE_ROOM = 0.90;

  /** The launcher's fallback {@code max_batch_prefill_tokens}. */
  static final long DEFAULT_PREFILL_TOKENS = 4096;

  private static final Map<String, String> CACHE_FORMATS =
      Map.of("fp8_e4m3", "fp8_e4m3fn", "fp8_e5m2", "fp8_e5m2");

  /** The provider constructor. */
  public TgiEngineModel() {}

  @Override
  public String id() {
    return TgiEngine.ID;
  }

  @Override
  public Set<String> aliases() {
    return Set.of("text-generation-inference");
  }

  @Override
  public String description() {
    return "Hugging Face Text Generation Inference v3 (example engine, not calibrated)";
  }

  @Override
  public Class<TgiEngine> settingsType() {
    return TgiEngine.class;
  }

  @Override
  public List<EngineSetting> settings() {
    return List.of(
        EngineSetting.value(
            "cuda-memory-fraction", "F", "share of each GPU's memory it may use (default 1.0)."),
        EngineSetting.value(
            "max-batch-prefill-tokens",
            "N",
            "largest prefill, sizing the warm-up peak (default 4096, capped by the context)."),
        EngineSetting.value(
            "attention",
            "NAME",
            "flashinfer (default, blocks of 1), paged (16), flashdecoding (256)."));
  }

  @Override
  public TgiEngine defaults() {
    return TgiEngine.defaults();
  }

  @Override
  public TgiEngine configure(SettingValues v, Optional<GpuSpec> gpu) {
    TgiEngine d = TgiEngine.defaults();
    String attention = v.text("attention").orElse(d.attention());
    try {
      TgiEngine.blockSize(attention);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--attention: " + e.getMessage(), e);
    }
    return new TgiEngine(
        v.fraction("cuda-memory-fraction").orElse(d.cudaMemoryFraction()),
        v.count("max-batch-prefill-tokens", Integer.MAX_VALUE),
        attention);
  }

  /** The prefill warm-up runs: the setting, else 4,096 capped by the model's context limit. */
  static long prefillTokens(TgiEngine e, OptionalLong contextLimit) {
    return e.maxBatchPrefillTokens()
        .orElse(Math.min(DEFAULT_PREFILL_TOKENS, contextLimit.orElse(Long.MAX_VALUE)));
  }

  @Override
  public EngineResult plan(PlanInput in, TgiEngine e) {
    Deployment d = in.deployment();
    Workload w = in.workload();
    if (d.pipelineParallel() != 1) {
      throw new IllegalArgumentException(
          "TGI shards with tensor parallelism only (--num-shard): use --tp, not --pp "
              + d.pipelineParallel());
    }
    long prefill = prefillTokens(e, in.model().contextLimit());
    int block = TgiEngine.blockSize(e.attention());
    StageInput stage = in.stages().get(0);
    long perRequest =
        Math.multiplyExact(stage.allKvBytesPerToken(), PlanInput.roundUp(w.contextTokens(), block));
    long activation = Math.addExact(stage.forwardActivationBytes(prefill), in.logitBytes(1));
    MemoryBreakdown gpu =
        stage.holding(
            perRequest, w.sequences(), activation, GenericEngineModel.RUNTIME_OVERHEAD_BYTES);
    List<MemoryBreakdown> stages = new ArrayList<>(List.of(gpu));
    if (d.memoryPerGpuBytes().isEmpty()) {
      return new EngineResult(stages, Optional.empty(), Optional.empty());
    }
    long total = in.runtimeTotalBytes().getAsLong(); // torch.cuda.mem_get_info: CUDA's total
    long limit = (long) Math.floor(total * e.cudaMemoryFraction() * WIGGLE_ROOM);
    long pool =
        Math.max(0, limit - gpu.weightsBytes() - gpu.activationBytes() - gpu.overheadBytes());
    long blockBytes = Math.multiplyExact((long) block, stage.allKvBytesPerToken());
    long blocks = blockBytes == 0 ? 0 : pool / blockBytes;
    long tokens = Math.multiplyExact(blocks, (long) block);
    long request = Math.addExact(perRequest, stage.stateBytesPerSequence());
    double concurrency =
        blockBytes == 0
            ? (request == 0 ? 0 : (double) pool / request)
            : (double) blocks / PlanInput.ceilDiv(perRequest, blockBytes);
    EnginePlan engine =
        new EnginePlan(
            TgiEngine.ID, limit, Math.multiplyExact(blocks, blockBytes), tokens, concurrency, 0);
    return new EngineResult(
        stages, Optional.of(new Fit(limit, limit - gpu.totalBytes())), Optional.of(engine));
  }

  @Override
  public List<String> launch(LaunchRequest r, TgiEngine e) {
    if (r.deployment().pipelineParallel() > 1) {
      throw new IllegalArgumentException(
          "TGI shards with tensor parallelism only (--num-shard): use --tp, not --pp");
    }
    LaunchArgs args = LaunchArgs.of(r, "text-generation-launcher", "--model-id", r.modelArgument());
    args.add("--max-input-tokens", r.workload().contextTokens() - 1);
    args.add("--max-total-tokens", r.workload().contextTokens());
    args.add("--max-concurrent-requests", r.workload().sequences());
    if (r.deployment().tensorParallel() > 1) {
      args.add("--num-shard", r.deployment().tensorParallel());
    }
    if (e.cudaMemoryFraction() != 1.0) {
      args.add("--cuda-memory-fraction", e.cudaMemoryFraction());
    }
    e.maxBatchPrefillTokens().ifPresent(n -> args.add("--max-batch-prefill-tokens", n));
    args.cacheFormat("tgi", "--kv-cache-dtype", CACHE_FORMATS);
    DType planned = r.precision().weights();
    if (!planned.equals(r.model().defaultPrecision().weights())) {
      if (planned.equals(DType.FP8_E4M3) && !r.model().defaultPrecision().weights().isQuantized()) {
        args.add("--quantize", "fp8");
      } else {
        throw new IllegalArgumentException(
            "tgi loads the checkpoint's own weights, or fp8 from 16 bits (--weights fp8)");
      }
    }
    return args.build();
  }
}
