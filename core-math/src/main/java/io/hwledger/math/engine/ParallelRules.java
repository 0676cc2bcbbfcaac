package io.hwledger.math.engine;

import io.hwledger.api.Attention;
import io.hwledger.api.DenseMlp;
import io.hwledger.api.LatentAttention;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.Mixer;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.MoeMlp;
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
            refusal(engine, model, tp)
                + "Total number of attention heads ("
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
            refusal(engine, model, tp)
                + "its "
                + kv
                + " KV heads can be neither split nor replicated evenly (it asserts "
                + (split
                    ? "total_num_kv_heads % tp_size == 0 when total_num_kv_heads >= tp_size"
                    : "tp_size % total_num_kv_heads == 0 when tp_size > total_num_kv_heads")
                + ")");
      }
    }
  }

  /**
   * vLLM pads the vocabulary to a multiple of 64 and splits the padded table over the
   * tensor-parallel ranks with an assertion: {@code VocabParallelEmbedding} (and {@code
   * ParallelLMHead}) compute {@code num_embeddings_padded = pad_vocab_size(vocab, 64)} and {@code
   * divide(num_embeddings_padded, tp_size)}, whose {@code ensure_divisibility} asserts "{@code P is
   * not divisible by T}" (vllm/model_executor/layers/vocab_parallel_embedding.py at
   * 00db0119c37674b956dec4228d4e571549020976, {@code DEFAULT_VOCAB_PADDING_SIZE = 64};
   * vllm/distributed/utils.py at 019969049a9d7c9188689fa8f4f8ebb9466a9271). SGLang's copies of both
   * files keep the padding, the division and the message
   * (python/sglang/srt/layers/vocab_parallel_embedding.py at
   * 04d5e392629c53b9db96052947733bd434ea00a2, python/sglang/srt/distributed/utils.py at
   * 1107be112815907371027e0ab2203cb57d91c10e). A power-of-two TP up to 64 always divides; TP 3, 5,
   * 6 or 7 divides only some vocabularies.
   *
   * @param engine the engine's id, which starts the message
   * @param model the model
   * @param tp the tensor-parallel size, at least 1
   * @throws IllegalArgumentException when the padded vocabulary does not divide by {@code tp}
   */
  public static void paddedVocabularyDivisible(String engine, ModelSpec model, int tp) {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(model, "model");
    long padded = paddedVocabulary(model.vocabSize());
    if (padded % tp != 0) {
      throw new IllegalArgumentException(
          refusal(engine, model, tp)
              + "its vocabulary of "
              + model.vocabSize()
              + " entries, padded to "
              + padded
              + " (a multiple of "
              + VOCAB_PADDING
              + "), does not split over the ranks ("
              + padded
              + " is not divisible by "
              + tp
              + ")");
    }
  }

  /**
   * A block-quantised checkpoint ({@link ModelSpec#weightBlockSize()} &gt; 0, block FP8 such as
   * DeepSeek-V3 or Qwen3-FP8) must keep every tensor-parallel shard of its MLP and expert
   * projections on whole blocks. Without expert parallelism each routed expert is split over the TP
   * ranks like a dense MLP, {@code intermediate / TP} rows each. vLLM's {@code
   * Fp8MoEMethod.create_weights} refuses "The output_size of gate's and up's weight = N is not
   * divisible by weight quantization block_n = B." and {@code Fp8LinearMethod.create_weights}
   * "Weight output_partition_size = N is not divisible by weight quantization block_n = B." for the
   * merged gate/up projection of a dense MLP or shared expert
   * (vllm/model_executor/layers/quantization/fp8.py at 0071b24bf8fe8c3d1bc3516d0ff8477f07964aaf). A
   * dense width that does not divide by TP at all fails earlier, in {@code
   * MergedColumnParallelLinear}'s {@code divide}. Layers are checked in order, experts before the
   * shared expert, as vLLM builds them. Attention projections are not checked: the block-FP8
   * checkpoints published have heads of 128 elements (or MLA), whose shards are whole blocks.
   *
   * @param engine the engine's id, which starts the message
   * @param model the model
   * @param tp the tensor-parallel size, at least 1
   * @throws IllegalArgumentException when a shard is not a whole number of blocks
   */
  public static void blockQuantizedShardsWhole(String engine, ModelSpec model, int tp) {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(model, "model");
    int block = model.weightBlockSize();
    if (block == 0) {
      return;
    }
    String refuses = refusal(engine, model, tp);
    for (LayerSpec layer : model.layers()) {
      if (layer.mlp() instanceof MoeMlp moe) {
        // FusedMoE: intermediate_size_per_partition = intermediate_size // tp_size
        int perRank = moe.expertWidth() / tp;
        if (perRank % block != 0) {
          throw new IllegalArgumentException(
              refuses
                  + "each expert's "
                  + moe.expertWidth()
                  + " intermediate rows split over "
                  + tp
                  + " ranks are not whole "
                  + block
                  + "-row weight blocks (The output_size of gate's and up's weight = "
                  + perRank
                  + " is not divisible by weight quantization block_n = "
                  + block
                  + ".)");
        }
        if (moe.sharedWidth() > 0) {
          denseShardWhole(refuses, moe.sharedWidth(), tp, block);
        }
      } else if (layer.mlp() instanceof DenseMlp dense) {
        denseShardWhole(refuses, dense.width(), tp, block);
      }
    }
  }

  private static void denseShardWhole(String refuses, int width, int tp, int block) {
    if (width % tp != 0) {
      throw new IllegalArgumentException(
          refuses
              + "its MLP width "
              + width
              + " does not split over the ranks ("
              + width
              + " is not divisible by "
              + tp
              + ")");
    }
    int perRank = width / tp;
    if (perRank % block != 0) {
      throw new IllegalArgumentException(
          refuses
              + "its MLP's "
              + width
              + " intermediate rows split over "
              + tp
              + " ranks are not whole "
              + block
              + "-row weight blocks (Weight output_partition_size = "
              + perRank
              + " is not divisible by weight quantization block_n = "
              + block
              + ".)");
    }
  }

  /** How every refusal starts: {@code vllm refuses --tp 3 for model 'x': }. */
  private static String refusal(String engine, ModelSpec model, int tp) {
    return engine + " refuses --tp " + tp + " for model '" + model.name() + "': ";
  }

  /** vLLM's {@code DEFAULT_VOCAB_PADDING_SIZE}. */
  static final int VOCAB_PADDING = 64;

  /** {@code pad_vocab_size(vocab, 64)}: the vocabulary rounded up to a multiple of 64. */
  static long paddedVocabulary(int vocab) {
    return ((long) vocab + VOCAB_PADDING - 1) / VOCAB_PADDING * VOCAB_PADDING;
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
