package io.hwledger.math.engine.vllm;

import io.hwledger.math.engine.PlanInput;

/**
 * The torch peak of vLLM V1's dummy sampler run, the last step of the profiling pass on the last
 * pipeline stage ({@code vllm/v1/worker/gpu_model_runner.py} {@code profile_run} and {@code
 * _dummy_sampler_run}; {@code vllm/v1/sample/sampler.py}; {@code
 * vllm/v1/sample/ops/topk_topp_sampler.py} and {@code topk_topp_triton.py}).
 *
 * <ul>
 *   <li>{@code profile_run} keeps the forward pass's output, {@code max_num_batched_tokens} rows of
 *       {@code hidden} activations, while the sampler runs over {@code max_num_seqs} rows.
 *   <li>{@code compute_logits} returns the logits in the activation format; V1 all-gathers them
 *       over tensor-parallel ranks, so every rank holds the whole vocabulary (the v0.19.0 logs of
 *       Llama-3.1-8B print the same 1.89 GiB peak at TP 1, 2 and 4, Qwen2.5-7B 2.21 GiB).
 *   <li>The sampler copies them to fp32 ({@code logits.to(torch.float32)}, no copy when they are
 *       fp32 already); temperature divides in place; the dummy run sets top-k (vocab − 1) and top-p
 *       (0.9), which the Triton kernel (vLLM #33538) applies in place with a {@code [min(SMs,
 *       rows), vocab]} fp32 buffer; then fp32 probabilities ({@code softmax}) and as many fp32
 *       exponential draws ({@code random_sample}).
 * </ul>
 *
 * <p>So {@code rows · vocab · (activation + 4 + 4 + 4)} bytes ({@code 2 + 4 + 4 + 4 = 14} in bf16),
 * plus the Triton buffer and the kept hidden states. The GPU catalog has no SM count; the buffer
 * takes H100's 132 (every v0.19 log of the corpus ran on H100). Against the v0.19.0 H100 logs this
 * leaves 0.05 GiB of their torch peak unexplained (Llama-3.1-8B 1.84 against 1.89 GiB, Gemma-2-27B
 * 3.61 against 3.66).
 */
final class DummySamplerRun {
  /** Bytes of an fp32 element. */
  private static final long FP32 = 4;

  /** Programs of the Triton top-k/top-p kernel: {@code min(SMs, rows)}; H100 SXM has 132 SMs. */
  static final long TOP_K_TOP_P_PROGRAMS = 132;

  private DummySamplerRun() {}

  /**
   * The dummy sampler run's torch peak on one rank of the last stage.
   *
   * @param in the plan's input: model, precision
   * @param rows {@code max_num_seqs}
   * @param batched {@code max_num_batched_tokens}, the rows of the kept hidden states
   * @return bytes
   * @throws ArithmeticException if that overflows a {@code long}
   */
  static long peakBytes(PlanInput in, long rows, long batched) {
    long vocab = in.model().vocabSize();
    long activation = in.activationElementBytes();
    long perLogit = activation + (activation == FP32 ? 0 : FP32) + FP32 + FP32;
    long logits = Math.multiplyExact(Math.multiplyExact(rows, vocab), perLogit);
    long buffer =
        Math.multiplyExact(Math.multiplyExact(Math.min(TOP_K_TOP_P_PROGRAMS, rows), vocab), FP32);
    long hidden =
        Math.multiplyExact(Math.multiplyExact(batched, in.model().hiddenSize()), activation);
    return Math.addExact(Math.addExact(logits, buffer), hidden);
  }
}
