package io.hwledger.math.engine.vllm;

import io.hwledger.api.MemoryBreakdown;
import io.hwledger.math.engine.PlanInput;

/**
 * The vision tower and multimodal projector that vLLM builds and loads for a multimodal checkpoint
 * ({@link io.hwledger.api.ModelSpec#visionParameters()}), per GPU.
 *
 * <p>vLLM's {@code *ForConditionalGeneration} classes construct the tower and the projector in
 * {@code __init__} on every rank, whatever the prompt limits, and load their weights with the
 * decoder's (read in {@code vllm/model_executor/models/mllama4.py} {@code
 * Llama4ForConditionalGeneration}, vllm-project/vllm at 00dd549; {@code gemma3_mm.py} and {@code
 * mistral3.py} are taken to do the same, not re-read here). Unless the encoder runs data-parallel
 * ({@code mm_encoder_tp_mode="data"}, formerly {@code --enable-multimodal-encoder-data-parallel},
 * off by default) its linear layers are {@code QKVParallelLinear}, {@code ColumnParallelLinear} and
 * {@code RowParallelLinear}: split over the tensor-parallel ranks. The model counts the whole tower
 * as split; the replicated pieces (norms, position tables, row-parallel biases, embeddings) are 0.1
 * % of Llama 4 Scout's tower and, should Gemma 3's patch convolution and projection weight be
 * replicated, under 3 % of its. The tower is held in the checkpoint's unquantised format: {@code
 * Llama4ForConditionalGeneration} builds it with {@code quant_config=None}.
 */
final class VisionTowerWeights {

  private VisionTowerWeights() {}

  /**
   * Bytes of the tower and projector on each GPU.
   *
   * @param in the plan's input
   * @return {@code ceil(visionParameters · unquantised bytes / TP)}, 0 for a text-only model
   */
  static long bytesPerRank(PlanInput in) {
    long parameters = in.model().visionParameters();
    if (parameters == 0) {
      return 0;
    }
    long bytes = in.precision().unquantizedWeights().bytes(parameters);
    return PlanInput.ceilDiv(bytes, in.deployment().tensorParallel());
  }

  /**
   * A stage's memory with what vLLM loads beside the decoder's weights added (the tower, {@link
   * RotaryTable}).
   *
   * @param stage the stage's memory without them
   * @param bytes those bytes on each GPU
   * @return the stage's memory, weights raised by {@code bytes}
   */
  static MemoryBreakdown added(MemoryBreakdown stage, long bytes) {
    return new MemoryBreakdown(
        Math.addExact(stage.weightsBytes(), bytes),
        stage.kvCacheBytes(),
        stage.stateBytes(),
        stage.activationBytes(),
        stage.overheadBytes());
  }
}
