package io.hwledger.math.engine.vllm;

import io.hwledger.api.LayerSpec;
import io.hwledger.api.MoeMlp;
import io.hwledger.math.engine.PlanInput;
import io.hwledger.math.engine.StageInput;

/**
 * The workspace vLLM's fused MoE kernels keep once the profiling pass has run them ({@code
 * vllm/model_executor/layers/fused_moe/}: the experts' {@code workspace_shapes}, taken through
 * {@code vllm/v1/worker/workspace.py}'s {@code WorkspaceManager}).
 *
 * <ul>
 *   <li>Each MoE layer asks for {@code workspace13 = (M, topk, max(N / 2, K))} and {@code
 *       workspace2 = (M, topk, max(N, K))} in the activation format, {@code M} the tokens of a
 *       chunk ({@code min(tokens, VLLM_FUSED_MOE_CHUNK_SIZE = 16,384)}), {@code N} the rank's
 *       gate-and-up width ({@code 2 · moe_intermediate / TP} for gated experts), {@code K} the
 *       hidden size.
 *   <li>The manager holds one buffer, grown to the largest request and kept for the process's life,
 *       so it is still allocated when the dummy sampler run takes the profiling peak.
 * </ul>
 *
 * <p>Against vLLM v0.19.0's H100 logs: Qwen3-30B-A3B at TP 1 (0.50 GiB of workspace, 2.13 GiB of
 * sampler run, 2.68 GiB logged peak) and Mixtral-8x7B at TP 2 (0.67 + 0.50 GiB, 1.21 GiB logged).
 * Experts that are not the Triton ones (gpt-oss's mxfp4 kernels) may size theirs differently; they
 * are planned the same way.
 */
final class FusedMoeWorkspace {
  /** {@code VLLM_FUSED_MOE_CHUNK_SIZE}'s default ({@code vllm/envs.py}): 16 × 1024 tokens. */
  static final long CHUNK_TOKENS = 16 * 1024;

  private FusedMoeWorkspace() {}

  /**
   * The workspace of a stage's MoE layers on one tensor-parallel rank.
   *
   * @param in the plan's input: model, precision, tensor parallelism
   * @param stage the stage, for its layers
   * @param tokens tokens of the profiling pass, {@code max_num_batched_tokens}
   * @return bytes; 0 when the stage has no MoE layer
   * @throws ArithmeticException if that overflows a {@code long}
   */
  static long bytes(PlanInput in, StageInput stage, long tokens) {
    long m = Math.min(tokens, CHUNK_TOKENS);
    long k = in.model().hiddenSize();
    int tp = in.deployment().tensorParallel();
    long widest = 0;
    for (LayerSpec layer : in.model().layers().subList(stage.fromLayer(), stage.toLayer())) {
      if (layer.mlp() instanceof MoeMlp moe) {
        long n = PlanInput.ceilDiv((moe.gated() ? 2L : 1L) * moe.expertWidth(), tp);
        long elements = Math.addExact(Math.max(n / 2, k), Math.max(n, k));
        widest = Math.max(widest, Math.multiplyExact((long) moe.topK(), elements));
      }
    }
    return Math.multiplyExact(Math.multiplyExact(m, widest), in.activationElementBytes());
  }
}
