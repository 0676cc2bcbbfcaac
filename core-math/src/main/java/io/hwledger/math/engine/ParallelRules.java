package io.hwledger.math.engine;

import io.hwledger.api.Attention;
import io.hwledger.api.LatentAttention;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.Mixer;
import io.hwledger.api.ModelSpec;
import java.util.Objects;

/**
 * The tensor-parallel rules engines check before they load a model, for {@link
 * EngineModel#validate} implementations. Each throws an {@link IllegalArgumentException} whose one
 * line names the engine and quotes its own reason.
 */
public final class ParallelRules {
  private ParallelRules() {}

  /**
   * The query heads of every attention layer (multi-head, grouped or latent) must divide by the
   * tensor-parallel size, as vLLM's {@code ModelConfig.verify_with_parallel_config} requires
   * (vllm/config.py at c0c2335ce027486d254c31f665ce00d7db427d22: "Total number of attention heads
   * (N) must be divisible by tensor parallel size (T).") and SGLang's attention layers assert
   * ({@code assert self.total_num_heads % attn_tp_size == 0}).
   *
   * @param engine the engine's id, e.g. {@code vllm}, which starts the message
   * @param model the model
   * @param tp the tensor-parallel size, at least 1
   * @throws IllegalArgumentException when a layer's heads do not divide by {@code tp}
   */
  public static void attentionHeadsDivisible(String engine, ModelSpec model, int tp) {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(model, "model");
    for (LayerSpec layer : model.layers()) {
      int heads = queryHeads(layer.mixer());
      if (heads > 0 && heads % tp != 0) {
        throw new IllegalArgumentException(
            engine
                + " refuses --tp "
                + tp
                + " for model '"
                + model.name()
                + "': Total number of attention heads ("
                + heads
                + ") must be divisible by tensor parallel size ("
                + tp
                + ").");
      }
    }
  }

  /**
   * KV heads are split when there are at least as many as ranks, and replicated otherwise: vLLM's
   * and SGLang's attention layers (LlamaAttention, Qwen2Attention and their copies) assert {@code
   * total_num_kv_heads % tp_size == 0} when {@code total_num_kv_heads >= tp_size}, else {@code
   * tp_size % total_num_kv_heads == 0}.
   *
   * @param engine the engine's id, which starts the message
   * @param model the model
   * @param tp the tensor-parallel size, at least 1
   * @throws IllegalArgumentException when a layer's KV heads can be neither split nor replicated
   *     evenly
   */
  public static void kvHeadsSplitOrReplicated(String engine, ModelSpec model, int tp) {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(model, "model");
    for (LayerSpec layer : model.layers()) {
      if (!(layer.mixer() instanceof Attention a)) {
        continue;
      }
      int kv = a.kvHeads();
      boolean split = kv >= tp;
      if (split ? kv % tp != 0 : tp % kv != 0) {
        throw new IllegalArgumentException(
            engine
                + " refuses --tp "
                + tp
                + " for model '"
                + model.name()
                + "': its "
                + kv
                + " KV heads can be neither split nor replicated evenly (it asserts "
                + (split
                    ? "total_num_kv_heads % tp_size == 0 when total_num_kv_heads >= tp_size"
                    : "tp_size % total_num_kv_heads == 0 when tp_size > total_num_kv_heads")
                + ")");
      }
    }
  }

  private static int queryHeads(Mixer mixer) {
    if (mixer instanceof Attention a) {
      return a.queryHeads();
    }
    if (mixer instanceof LatentAttention l) {
      return l.heads();
    }
    return 0;
  }
}
