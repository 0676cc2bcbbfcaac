package io.hwledger.bench.peer;

import io.hwledger.api.DType;
import io.hwledger.api.Deployment;
import io.hwledger.api.LayerMemory;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.math.Planner;
import io.hwledger.math.engine.llamacpp.LlamaCppEngine;
import io.hwledger.math.gguf.GgufFile;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The planner's answer for a peer case, split as llama.cpp logs it. The CPU-only plan ({@code -ngl
 * 0}) puts everything in {@link io.hwledger.api.EnginePlan#hostBytes}; the same flags with every
 * layer offloaded but the output kept on the host ({@code -ngl n_layer}) give the weights (layers
 * on the GPU, embedding and output on the host, as on the CPU) and the KV cache the planner holds
 * for them, and the CPU compute buffer is what the CPU-only host figure holds beyond those two.
 *
 * @param weights bytes of weights
 * @param kvFull bytes of the full-attention layers' cache
 * @param kvSwa bytes of the sliding-window layers' cache
 * @param cellsFull cells of the full-attention cache, over all streams
 * @param cellsSwa cells of the sliding-window cache, over all streams (0 without such layers)
 * @param compute bytes of the CPU compute buffer
 */
record PeerPlan(
    long weights, long kvFull, long kvSwa, long cellsFull, long cellsSwa, long compute) {

  /** Plans {@code c} for the model in {@code file}. */
  static PeerPlan of(GgufFile file, PeerCase c) {
    Planner planner = Planner.of(file.modelSpec(), file.checkpointWeights());
    Precision p = file.modelSpec().defaultPrecision();
    p =
        new Precision(
            p.weights(),
            p.expertWeights(),
            p.unquantizedWeights(),
            DType.parse(c.typeK()),
            DType.parse(c.typeV()),
            p.state());
    Workload w = Workload.of(c.nCtx() / c.seqs(), c.seqs());
    int layers = file.modelSpec().layerCount();
    MemoryPlan gpu = planner.planWithLayers(p, w, deployment(c, OptionalInt.of(layers)));
    MemoryPlan cpu = planner.plan(p, w, deployment(c, OptionalInt.of(0)));
    long weights = gpu.perGpu().weightsBytes() + gpu.engine().orElseThrow().hostBytes();
    long kv = gpu.perGpu().kvCacheBytes();
    long cells = gpu.engine().orElseThrow().kvCacheTokens();
    long fullPerCell = 0;
    long swaPerCell = 0;
    for (LayerMemory layer : gpu.layers()) {
      if (layer.windowTokens().isPresent()) {
        swaPerCell += layer.kvBytesPerToken();
      } else {
        fullPerCell += layer.kvBytesPerToken();
      }
    }
    long kvFull = fullPerCell * cells;
    long kvSwa = kv - kvFull;
    long cellsSwa = swaPerCell == 0 ? 0 : kvSwa / swaPerCell;
    long compute = cpu.engine().orElseThrow().hostBytes() - weights - kv;
    return new PeerPlan(weights, kvFull, kvSwa, cells, cellsSwa, compute);
  }

  private static Deployment deployment(PeerCase c, OptionalInt gpuLayers) {
    return Deployment.singleGpu()
        .withEngine(
            new LlamaCppEngine(
                OptionalLong.of(c.nCtx()),
                OptionalInt.of(c.seqs()),
                gpuLayers,
                c.flash(),
                false,
                c.ubatch()));
  }
}
