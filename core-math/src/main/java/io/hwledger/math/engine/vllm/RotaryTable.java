package io.hwledger.math.engine.vllm;

import io.hwledger.api.Attention;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.ModelSpec;
import io.hwledger.math.engine.PlanInput;
import java.util.Optional;

/**
 * The cosine and sine table vLLM's rotary embedding builds when the model is constructed, per GPU.
 *
 * <p>{@code RotaryEmbeddingBase.__init__} computes {@code cos_sin_cache} of {@code
 * [max_position_embeddings, rotary_dim]} (the cosines and sines of {@code rotary_dim / 2}
 * frequencies, concatenated), casts it to the model's dtype and registers it as a buffer, so it is
 * on the GPU with the weights and counted in "Model loading took" ({@code
 * vllm/model_executor/layers/rotary_embedding/base.py}, vllm-project/vllm 072d10a). {@code
 * get_rope} hands the layers of one model a single shared instance, and it is never split over
 * tensor-parallel ranks: every rank holds the whole table. Llama 4 passes the config's {@code
 * max_position_embeddings} (10,485,760 for Scout) as its length ({@code Llama4Attention} in {@code
 * vllm/model_executor/models/llama4.py}, vllm-project/vllm 0303cbd): 10,485,760 × 128 × 2 B = 2.50
 * GiB on each rank, where the table of a 131,072-token Llama 3.1 is 32 MiB.
 *
 * <p>Approximations: the table's rows are {@link ModelSpec#contextLimit()} (the config's {@code
 * max_position_embeddings}, or a YaRN/Llama-3 scaled length when larger, which is the length vLLM's
 * scaled ropes tabulate) and its width the first attention layer's key head dimension: a model with
 * partial rotary embedding ({@code partial_rotary_factor} below 1) holds a narrower table than
 * this, and one with two rotary bases (Gemma 3's local and global layers) two tables. Models with
 * learned position tables or without standard attention (latent attention, pure SSMs) get none.
 */
final class RotaryTable {

  private RotaryTable() {}

  /**
   * Bytes of the table on each GPU that holds attention layers.
   *
   * @param in the plan's input
   * @return {@code contextLimit · keyHeadDim · activation bytes}, 0 when the model has no rotary
   *     attention or no context limit
   */
  static long bytesPerRank(PlanInput in) {
    ModelSpec model = in.model();
    if (model.positionEmbeddings() > 0 || model.contextLimit().isEmpty()) {
      return 0;
    }
    Optional<Attention> attention =
        model.layers().stream()
            .map(LayerSpec::mixer)
            .filter(Attention.class::isInstance)
            .map(Attention.class::cast)
            .findFirst();
    if (attention.isEmpty()) {
      return 0;
    }
    return Math.multiplyExact(
        Math.multiplyExact(model.contextLimit().getAsLong(), attention.get().keyHeadDim()),
        in.activationElementBytes());
  }
}
