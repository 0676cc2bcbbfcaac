package io.hwledger.math;

import io.hwledger.api.DType;
import io.hwledger.api.Deployment;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.math.engine.EngineModels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Estimates prefill time (time to first token) and decode speed of a model on a deployment's GPU
 * ({@link Deployment#onGpu}) with a roofline: each forward pass takes the longer of its memory time
 * and its compute time, plus communication between ranks.
 *
 * <p>A speed model is built once per model ({@link #of}); it is immutable and thread-safe, and an
 * {@link #estimate} is a few loops over the model's distinct layer structures.
 *
 * <h2>Compute</h2>
 *
 * A token's matrix work is {@code 2 · activeParameters} operations (every active weight once,
 * multiply and add; the input embedding is a lookup and is excluded, the output head is included;
 * see {@link Planner#activeParameters()}), plus attention: {@code 2 · heads · (keyHeadDim +
 * valueHeadDim)} operations per (query, cached key) pair, over {@code min(position, window)} keys
 * per query (causal; sliding windows respected). MLA counts its decompressed heads ({@code qkNope +
 * qkRope + value} per head), an upper bound for the absorbed decode kernels. Recurrent mixers
 * (Mamba, Gated DeltaNet) cost {@code 4} operations per state element per token (decay, update,
 * read-out), an approximation. Arithmetic runs at the GPU's dense peak for {@code fp8} when the
 * weights are fp8 and the GPU publishes fp8, otherwise the larger of its {@code bf16} and {@code
 * fp16} peaks (quantised weights are dequantised to 16 bits), times the model-FLOPs utilisation
 * ({@link Utilization#modelFlops(io.hwledger.api.DType)}). A set whose kernels accumulate in fp16
 * ({@link Utilization#fp16Accumulate()}, llama.cpp's) runs at the GPU's fp16-accumulate peak
 * instead, twice the fp16 figure on GeForce parts. A GPU without a published peak (the Apple parts
 * in the catalog) has no prefill estimate and decode is memory time alone.
 *
 * <h2>Memory</h2>
 *
 * A decode step of batch {@code B} reads every dense weight of a rank once, the routed experts that
 * the {@code B} tokens select (expected distinct experts {@code E · (1 − (1 − k/E)^B)} per layer,
 * assuming independent, uniform routing), the output head, each sequence's KV cache at the context
 * ({@code min(context, window)} tokens per windowed layer) and each sequence's recurrent state
 * twice (read and write). Bytes move at the GPU's peak bandwidth times the memory-bandwidth
 * utilisation ({@link Utilization#memoryBandwidth(io.hwledger.api.DType)}, which differs for
 * compressed weights). Prefill reads the weights once per pass.
 *
 * <h2>Fixed time per layer</h2>
 *
 * Every forward pass (a prefill, a decode step, each pipeline stage) adds {@link
 * Utilization#layerSeconds()} per layer it runs: kernel launch and dispatch latency, which does not
 * shrink with the bytes or operations and dominates a small model on fast memory.
 *
 * <h2>Parallelism</h2>
 *
 * Tensor parallelism splits weights, KV heads and operations across {@code TP} ranks as the {@link
 * Planner} does, and adds two all-reduces per layer (after attention and after the MLP,
 * Megatron-style) of {@code tokens · hidden · 2} bytes; a ring all-reduce moves {@code 2 · (TP − 1)
 * / TP} of that over the {@link Interconnect}, plus its latency. Pipeline parallelism splits layers
 * as the planner does and sends {@code tokens · hidden · 2} bytes between consecutive stages.
 * Prefill of one prompt goes through the stages one after another. A decode step splits the batch
 * into {@code m = min(B, PP)} micro-batches; it takes {@code max(Σ stage times, m · slowest stage
 * time)} for a micro-batch, so a batch of 1 leaves {@code (PP − 1) / PP} of the GPUs idle (the
 * pipeline bubble) and a full pipeline runs at the pace of its slowest stage.
 *
 * <h2>Calibration</h2>
 *
 * The utilisation factors and the per-layer time depend on the engine and, for llama.cpp and MLX,
 * on the GPU's backend: an estimate takes {@link
 * io.hwledger.math.engine.EngineModel#utilization(GpuSpec)} of the deployment's engine profile on
 * the estimate's GPU, sets fitted on published measurements of llama.cpp and of the data-centre
 * serving engines (see {@code docs/adr/0009-speed-model.md}). {@link #withUtilization} fixes a set
 * for every engine.
 */
public final class SpeedModel {

  private static final long ACTIVATION_BYTES = 2;

  private final Planner planner;
  private final LayerKind[] kinds;
  private final double[] linearOpsPerToken;
  private final double[] attentionOpsPerPair;
  private final double[] recurrentOpsPerToken;
  private final double headOpsPerToken;

  /** The pair every estimate uses, or null to take the deployment engine's. */
  private final Utilization fixed;

  private SpeedModel(Planner planner, Utilization fixed) {
    this.planner = planner;
    this.kinds = planner.layerKinds();
    this.fixed = fixed;
    linearOpsPerToken = new double[kinds.length];
    attentionOpsPerPair = new double[kinds.length];
    recurrentOpsPerToken = new double[kinds.length];
    for (int k = 0; k < kinds.length; k++) {
      LayerKind kind = kinds[k];
      linearOpsPerToken[k] = 2.0 * kind.activeParameters;
      attentionOpsPerPair[k] = kind.mixer.attentionOpsPerPair();
      recurrentOpsPerToken[k] = kind.mixer.recurrentOpsPerToken();
    }
    headOpsPerToken =
        2.0 * (planner.embeddingTensor().parameters() + planner.finalNormTensor().parameters());
  }

  /**
   * A speed model for {@code planner}'s model whose estimates use the calibrated utilisation pair
   * of the deployment's engine ({@link io.hwledger.math.engine.EngineModel#utilization()}).
   *
   * @param planner the model's compiled planner, whose layer split and parameter counts it uses
   * @return a speed model without fixed utilisation factors
   */
  public static SpeedModel of(Planner planner) {
    Objects.requireNonNull(planner, "planner");
    return new SpeedModel(planner, null);
  }

  /**
   * {@link #of(Planner)} for {@code model}, compiling its planner.
   *
   * @param model the model's layers and sizes
   * @return a speed model without fixed utilisation factors
   * @throws IllegalArgumentException as {@link Planner#of(ModelSpec)}
   */
  public static SpeedModel of(ModelSpec model) {
    return of(Planner.of(model));
  }

  /**
   * This model with utilisation factors of the caller's own, used whatever the deployment's engine.
   *
   * @param memoryBandwidthUtilization fraction of peak bandwidth, in (0, 1]
   * @param modelFlopsUtilization fraction of peak throughput, in (0, 1]
   * @return a new speed model; this one is unchanged
   * @throws IllegalArgumentException if either fraction is outside (0, 1]
   */
  public SpeedModel withUtilization(
      double memoryBandwidthUtilization, double modelFlopsUtilization) {
    return new SpeedModel(
        planner, new Utilization(memoryBandwidthUtilization, modelFlopsUtilization));
  }

  /**
   * This model with a utilisation set of the caller's own (fractions per weight class and the
   * per-layer time), used whatever the deployment's engine.
   *
   * @param utilization the set every estimate uses
   * @return a new speed model; this one is unchanged
   */
  public SpeedModel withUtilization(Utilization utilization) {
    Objects.requireNonNull(utilization, "utilization");
    return new SpeedModel(planner, utilization);
  }

  /**
   * The utilisation set an estimate on {@code deployment} uses: the one fixed by {@link
   * #withUtilization}, otherwise {@link io.hwledger.math.engine.EngineModel#utilization(GpuSpec)}
   * of its engine profile on its GPU ({@link io.hwledger.math.engine.EngineModel#utilization()}
   * when it names none).
   *
   * @param deployment the deployment whose engine is asked
   * @return the memory-bandwidth and model-FLOPs fractions
   * @throws IllegalArgumentException if no engine model has the deployment's engine id
   */
  public Utilization utilization(Deployment deployment) {
    Objects.requireNonNull(deployment, "deployment");
    if (fixed != null) {
      return fixed;
    }
    return deployment.gpu().isPresent()
        ? EngineModels.defaults().utilization(deployment.engine(), deployment.gpu().get())
        : EngineModels.defaults().utilization(deployment.engine());
  }

  /** The utilisation on {@code gpu}, the GPU an estimate runs on whatever the deployment names. */
  private Utilization utilization(Deployment deployment, GpuSpec gpu) {
    return fixed != null ? fixed : EngineModels.defaults().utilization(deployment.engine(), gpu);
  }

  /**
   * {@link #estimate(Precision, long, Workload, Deployment, Interconnect)} over the default link
   * for the deployment's GPU ({@link Interconnect#defaultFor}).
   *
   * @param precision weights, caches and state
   * @param promptTokens tokens of the prompt whose prefill is timed, at least 1
   * @param workload the tokens each decoding sequence caches and the sequences decoded together
   * @param deployment parallelism, engine and GPU, as for the five-argument form
   * @return the prefill time and one decode row, at a batch of {@code workload.sequences()}
   * @throws IllegalArgumentException as the five-argument form
   */
  public SpeedEstimate estimate(
      Precision precision, long promptTokens, Workload workload, Deployment deployment) {
    return estimate(
        precision, promptTokens, workload, deployment, Interconnect.defaultFor(gpuOf(deployment)));
  }

  /**
   * Estimates the time to first token of one prompt and the decode speed of a workload: {@link
   * Workload#sequences()} sequences decoding together, each holding {@link
   * Workload#contextTokens()} tokens in its cache. The prompt is prefilled in one pass; the
   * workload's prefill chunk is not used.
   *
   * @param precision weights, caches and state
   * @param promptTokens tokens of the prompt whose prefill is timed, at least 1
   * @param workload the tokens each decoding sequence caches and the sequences decoded together
   * @param deployment TP and PP degrees, the MLA cache layout, the engine profile whose utilisation
   *     pair applies unless {@link #withUtilization} fixed one, and the GPU every rank runs on
   *     ({@link Deployment#onGpu}), which must publish its memory bandwidth
   * @param interconnect the link between ranks
   * @return the prefill time and one decode row, at a batch of {@code workload.sequences()}
   * @throws IllegalArgumentException if the deployment has no GPU or its GPU no published memory
   *     bandwidth, {@code promptTokens} is below 1, or there are more pipeline stages than layers
   */
  public SpeedEstimate estimate(
      Precision precision,
      long promptTokens,
      Workload workload,
      Deployment deployment,
      Interconnect interconnect) {
    Objects.requireNonNull(workload, "workload");
    return estimate(
        precision,
        promptTokens,
        workload,
        new long[] {workload.sequences()},
        deployment,
        interconnect);
  }

  /**
   * {@link #estimate(Precision, long, Workload, Deployment, Interconnect)} with a decode row at
   * each batch of 1, 2, 4 … up to {@link Workload#sequences()}, and at {@code sequences()} itself
   * when it is no power of two: how decode speed grows with concurrency, as {@code hwledger perf}
   * shows it.
   *
   * @param precision weights, caches and state
   * @param promptTokens tokens of the prompt whose prefill is timed, at least 1
   * @param workload the tokens each decoding sequence caches, and the largest batch
   * @param deployment parallelism, engine and GPU, as for {@link #estimate(Precision, long,
   *     Workload, Deployment, Interconnect)}
   * @param interconnect the link between ranks
   * @return the prefill time and one decode row per batch size, smallest first
   * @throws IllegalArgumentException as {@link #estimate(Precision, long, Workload, Deployment,
   *     Interconnect)}
   */
  public SpeedEstimate estimateBatchSweep(
      Precision precision,
      long promptTokens,
      Workload workload,
      Deployment deployment,
      Interconnect interconnect) {
    Objects.requireNonNull(workload, "workload");
    return estimate(
        precision,
        promptTokens,
        workload,
        batchSweep(workload.sequences()),
        deployment,
        interconnect);
  }

  /**
   * Decode rows at {@code batches}, sequences, at the workload's context on the deployment's GPU.
   */
  private SpeedEstimate estimate(
      Precision precision,
      long promptTokens,
      Workload workload,
      long[] batches,
      Deployment deployment,
      Interconnect interconnect) {
    return estimate(
        precision,
        promptTokens,
        workload.contextTokens(),
        batches,
        deployment,
        gpuOf(deployment),
        interconnect);
  }

  /** 1, 2, 4 … up to {@code max}, and {@code max} itself when it is no power of two. */
  static long[] batchSweep(long max) {
    long[] out = new long[Long.SIZE + 1];
    int n = 0;
    for (long b = 1; b <= max && b > 0; b *= 2) {
      out[n++] = b;
    }
    if (out[n - 1] != max) {
      out[n++] = max;
    }
    return Arrays.copyOf(out, n);
  }

  private static GpuSpec gpuOf(Deployment deployment) {
    Objects.requireNonNull(deployment, "deployment");
    return deployment
        .gpu()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "the deployment has no GPU to estimate speed on; give it one with"
                        + " Deployment.onGpu"));
  }

  /**
   * The roofline behind the public estimates, on loose numbers: decode rows at each of {@code
   * batches}, each sequence caching {@code contextTokens} tokens (0 allowed, as calibration rows
   * measured at an empty cache need), on {@code gpu} whatever the deployment names.
   *
   * @param promptTokens tokens of one prompt, prefilled in one pass, at least 1
   * @param contextTokens tokens each decoding sequence holds in its cache, at least 0
   * @param batches batch sizes to decode at, sequences, each at least 1
   * @throws IllegalArgumentException on a bad argument, a GPU without bandwidth, or more pipeline
   *     stages than layers
   */
  SpeedEstimate estimate(
      Precision precision,
      long promptTokens,
      long contextTokens,
      long[] batches,
      Deployment deployment,
      GpuSpec gpu,
      Interconnect interconnect) {
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(batches, "batches");
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(gpu, "gpu");
    Objects.requireNonNull(interconnect, "interconnect");
    if (promptTokens < 1) {
      throw new IllegalArgumentException("promptTokens must be at least 1, was " + promptTokens);
    }
    if (contextTokens < 0) {
      throw new IllegalArgumentException("contextTokens must be >= 0, was " + contextTokens);
    }
    if (batches.length == 0) {
      throw new IllegalArgumentException("batches must not be empty");
    }
    for (long b : batches) {
      if (b < 1) {
        throw new IllegalArgumentException("every batch size must be at least 1, was " + b);
      }
    }
    OptionalLong bandwidth = gpu.memoryBandwidthBytesPerSecond();
    if (bandwidth.isEmpty()) {
      throw new IllegalArgumentException(
          "GPU '" + gpu.id() + "' has no published memory bandwidth in the catalog");
    }
    Utilization u = utilization(deployment, gpu);
    double memoryUtilization = u.memoryBandwidth(precision.weights());
    double flopsUtilization = u.modelFlops(precision.weights());
    Optional<String> dtype = computeDtype(precision, gpu, u);
    OptionalDouble peak =
        dtype.isPresent() ? gpu.denseTeraFlops(dtype.get()) : OptionalDouble.empty();
    Pass pass =
        new Pass(
            precision,
            deployment,
            bandwidth.getAsLong() * memoryUtilization,
            peak.isPresent() ? peak.getAsDouble() * 1e12 * flopsUtilization : 0,
            u.layerSeconds(),
            interconnect);

    OptionalDouble prefill =
        peak.isPresent() ? OptionalDouble.of(pass.prefill(promptTokens)) : OptionalDouble.empty();
    List<DecodeRate> rows = new ArrayList<>(batches.length);
    for (long b : batches) {
      rows.add(pass.decode(b, contextTokens));
    }
    return new SpeedEstimate(
        gpu.id(),
        deployment.tensorParallel(),
        deployment.pipelineParallel(),
        promptTokens,
        contextTokens,
        dtype,
        peak,
        bandwidth.getAsLong(),
        memoryUtilization,
        flopsUtilization,
        u.layerSeconds(),
        interconnect,
        prefill,
        rows);
  }

  /**
   * The peak matrix work runs at: fp8 for fp8 weights on an fp8 GPU; for a set that accumulates in
   * fp16 ({@link Utilization#fp16Accumulate()}), the GPU's fp16-accumulate peak where published,
   * else its fp16 peak; otherwise the larger published 16-bit peak; else empty.
   */
  static Optional<String> computeDtype(Precision p, GpuSpec gpu, Utilization u) {
    boolean fp8Weights = p.weights().equals(DType.FP8_E4M3) || p.weights().equals(DType.FP8_E5M2);
    if (fp8Weights && gpu.denseTeraFlops("fp8").isPresent()) {
      return Optional.of("fp8");
    }
    if (u.fp16Accumulate()) {
      if (gpu.denseTeraFlops(Utilization.FP16_ACCUMULATE_PEAK).isPresent()) {
        return Optional.of(Utilization.FP16_ACCUMULATE_PEAK);
      }
      if (gpu.denseTeraFlops("fp16").isPresent()) {
        return Optional.of("fp16");
      }
    }
    OptionalDouble bf16 = gpu.denseTeraFlops("bf16");
    OptionalDouble fp16 = gpu.denseTeraFlops("fp16");
    if (bf16.isPresent() && (fp16.isEmpty() || bf16.getAsDouble() >= fp16.getAsDouble())) {
      return Optional.of("bf16");
    }
    return fp16.isPresent() ? Optional.of("fp16") : Optional.empty();
  }

  /** Σ_{i=1..tokens} min(i, window): (query, key) pairs of causal attention over a prompt. */
  static double causalPairs(long tokens, OptionalLong window) {
    double t = tokens;
    if (window.isEmpty() || window.getAsLong() >= tokens) {
      return t * (t + 1) / 2;
    }
    double w = window.getAsLong();
    return w * (w + 1) / 2 + (t - w) * w;
  }

  /** One estimate's per-rank quantities. */
  private final class Pass {
    final Precision p;
    final Deployment d;
    final int tp;
    final int pp;
    final int[] bounds;
    final double bytesPerSecond;
    final double opsPerSecond;
    final double layerSeconds;
    final Interconnect link;
    final double[] denseBytes;
    final double[] expertBytes;
    final double headBytes;
    final double[] stageScale;

    Pass(
        Precision p,
        Deployment d,
        double bytesPerSecond,
        double opsPerSecond,
        double layerSeconds,
        Interconnect link) {
      this.p = p;
      this.d = d;
      this.tp = d.tensorParallel();
      this.pp = d.pipelineParallel();
      this.bounds = StagePartition.boundaries(planner.model().layerCount(), pp);
      this.bytesPerSecond = bytesPerSecond;
      this.opsPerSecond = opsPerSecond;
      this.layerSeconds = layerSeconds;
      this.link = link;
      denseBytes = new double[kinds.length];
      expertBytes = new double[kinds.length];
      for (int k = 0; k < kinds.length; k++) {
        long experts = 0;
        for (WeightTensor t : kinds[k].tensors) {
          if (t.role() == WeightTensor.Role.EXPERT) {
            experts += t.bytesPerRank(p, tp);
          }
        }
        expertBytes[k] = experts;
        denseBytes[k] = kinds[k].weightBytesPerRank(p, tp) - experts;
      }
      stageScale = new double[pp];
      Arrays.fill(stageScale, 1.0);
      CheckpointWeights stored = planner.checkpoint().orElse(null);
      if (stored == null) {
        headBytes =
            planner.embeddingTensor().bytesPerRank(p, tp)
                + planner.finalNormTensor().bytesPerRank(p, tp);
      } else {
        // A checkpoint's stored bytes replace the precision's: each stage's layers are scaled to
        // the bytes the file stores for them, dense and expert parts in the precision's proportion.
        long head = stored.outputBytes() > 0 ? stored.outputBytes() : stored.embeddingBytes();
        headBytes = (double) (head + stored.otherBytes()) / tp;
        for (int s = 0; s < pp; s++) {
          double computed = 0;
          long file = 0;
          for (int k = 0; k < kinds.length; k++) {
            computed +=
                planner.layersOfKind(k, bounds[s], bounds[s + 1])
                    * (denseBytes[k] + expertBytes[k]);
          }
          for (int i = bounds[s]; i < bounds[s + 1]; i++) {
            file += stored.layerBytes().get(i);
          }
          stageScale[s] = computed > 0 ? file / (double) tp / computed : 1.0;
        }
      }
    }

    /** Prefill of one prompt through every stage in turn, seconds. */
    double prefill(long tokens) {
      double total = 0;
      for (int s = 0; s < pp; s++) {
        double bytes = weightBytes(s, tokens);
        double ops = 0;
        for (int k = 0; k < kinds.length; k++) {
          int n = planner.layersOfKind(k, bounds[s], bounds[s + 1]);
          if (n == 0) {
            continue;
          }
          double perLayer =
              tokens * (linearOpsPerToken[k] + recurrentOpsPerToken[k])
                  + attentionOpsPerPair[k] * causalPairs(tokens, kinds[k].mixer.window());
          ops += n * perLayer;
          bytes += n * (double) tokens * kinds[k].mixer.kvBytesPerToken(p, tp, d.mlaCache());
        }
        if (s == pp - 1) {
          ops += headOpsPerToken; // logits of the last prompt token only
        }
        total +=
            Math.max(bytes / bytesPerSecond, ops / tp / opsPerSecond)
                + fixedSeconds(s)
                + allReduces(s, tokens);
      }
      return total + (pp - 1) * sendSeconds(tokens);
    }

    DecodeRate decode(long batch, long context) {
      long micro = Math.min(batch, pp);
      long perMicro = (batch + micro - 1) / micro;
      double sum = 0;
      double slowest = 0;
      SpeedBound bound = SpeedBound.MEMORY;
      for (int s = 0; s < pp; s++) {
        double bytes = weightBytes(s, perMicro);
        double ops = 0;
        for (int k = 0; k < kinds.length; k++) {
          int n = planner.layersOfKind(k, bounds[s], bounds[s + 1]);
          if (n == 0) {
            continue;
          }
          LayerKind kind = kinds[k];
          long cached = kind.cachedTokens(context);
          double perSequenceBytes =
              (double) kind.mixer.kvBytesPerToken(p, tp, d.mlaCache()) * cached
                  + 2.0 * kind.mixer.stateBytesPerSequence(p, tp);
          bytes += n * perSequenceBytes * perMicro;
          ops +=
              n
                  * (double) perMicro
                  * (linearOpsPerToken[k]
                      + recurrentOpsPerToken[k]
                      + attentionOpsPerPair[k] * cached);
        }
        if (s == pp - 1) {
          ops += perMicro * headOpsPerToken;
        }
        double memory = bytes / bytesPerSecond;
        double compute = opsPerSecond > 0 ? ops / tp / opsPerSecond : 0;
        double stage = Math.max(memory, compute) + fixedSeconds(s) + allReduces(s, perMicro);
        sum += stage;
        if (stage > slowest) {
          slowest = stage;
          bound = compute > memory ? SpeedBound.COMPUTE : SpeedBound.MEMORY;
        }
      }
      double step = Math.max(sum, micro * slowest) + (pp - 1) * sendSeconds(perMicro);
      return new DecodeRate(batch, step, 1 / step, batch / step, bound);
    }

    /** Weights a pass of {@code tokens} tokens reads on stage {@code s}, bytes per rank. */
    private double weightBytes(int s, long tokens) {
      double bytes = 0;
      for (int k = 0; k < kinds.length; k++) {
        int n = planner.layersOfKind(k, bounds[s], bounds[s + 1]);
        if (n == 0) {
          continue;
        }
        double experts = expertBytes[k] * kinds[k].mlp.routedExpertsReadFraction(tokens);
        bytes += n * (denseBytes[k] + experts);
      }
      bytes *= stageScale[s];
      return s == pp - 1 ? bytes + headBytes : bytes;
    }

    /** The fixed per-layer time of stage {@code s}'s layers in one pass, seconds. */
    private double fixedSeconds(int s) {
      return (bounds[s + 1] - bounds[s]) * layerSeconds;
    }

    /** Two ring all-reduces per layer of stage {@code s} for {@code tokens} tokens, seconds. */
    private double allReduces(int s, long tokens) {
      if (tp == 1) {
        return 0;
      }
      double bytes = (double) tokens * planner.model().hiddenSize() * ACTIVATION_BYTES;
      double one = link.latencySeconds() + 2.0 * (tp - 1) / tp * bytes / link.bytesPerSecond();
      return 2.0 * (bounds[s + 1] - bounds[s]) * one;
    }

    /** One activation send between pipeline stages, seconds. */
    private double sendSeconds(long tokens) {
      double bytes = (double) tokens * planner.model().hiddenSize() * ACTIVATION_BYTES;
      return link.latencySeconds() + bytes / link.bytesPerSecond();
    }
  }
}
