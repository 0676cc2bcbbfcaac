package io.hwledger.math.engine.vllm;

import io.hwledger.math.engine.LayerInput;
import io.hwledger.math.engine.PlanInput;
import io.hwledger.math.engine.StageInput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * vLLM's hybrid KV cache groups for a stage whose layers mix full attention with sliding windows or
 * with linear-attention (mamba) layers ({@code vllm/v1/core/kv_cache_utils.py}, v0.10–v0.19: {@code
 * _get_kv_cache_groups_uniform_page_size}, {@code get_kv_cache_config_from_groups}, {@code
 * _report_kv_cache_config}; read at vllm-project/vllm 001cabc).
 *
 * <ul>
 *   <li>Layers are bucketed by their cache spec (here: full, one window, or a recurrent state). The
 *       group size is the fewest layers of any bucket, or the most when the most are fewer than
 *       1.25 × the fewest; each bucket is split into {@code cdiv(layers, group size)} groups, the
 *       last padded to the group size.
 *   <li>Every group has the same page ({@code block_size} tokens of one attention layer); the pool
 *       is {@code group size} tensors, each shared by one layer of every group, so {@code
 *       num_blocks = available // page // group size}.
 *   <li>A recurrent layer's page is its whole state (the convolution buffer and the state matrix of
 *       one sequence). vLLM raises the attention block size until an attention page holds it, to a
 *       multiple of 16 tokens: {@code 16 · cdiv(state page, 16 · attention bytes per token)} unless
 *       {@code --block-size} is larger, and pads the state page to the attention page ({@code
 *       HybridAttentionMambaModelConfig.verify_and_update_config}, {@code
 *       vllm/model_executor/models/config.py}, vllm-project/vllm 0144dd5; prefix caching is off for
 *       these models there). A request takes one block in each recurrent group.
 *   <li>"GPU KV cache size" is {@code num_blocks // groups × block_size} tokens; "Maximum
 *       concurrency" is {@code num_blocks} over the blocks one request takes in every group.
 * </ul>
 *
 * <p>Gemma 3 27B (10 full and 52 sliding layers) has 7 groups of 10 layers, 8 of them padding: its
 * reported tokens are 62/70 of what one pool of every layer would give. Qwen3-Next-80B (12 full, 36
 * Gated DeltaNet layers) has 4 groups of 12: one of attention, three of states, so it reports a
 * quarter of the blocks' tokens. Models whose attention layers have different K and V sizes (vLLM
 * then changes block sizes to unify pages) or whose recurrent layers differ are not grouped here.
 *
 * @param groups the number of groups
 * @param layersPerGroup the group size, padding included
 * @param windows each attention group's window, or empty for full attention
 * @param stateGroups the number of recurrent groups
 * @param layerKvBytesPerToken one attention layer's K and V per cached token on one rank, bytes
 * @param layerStateBytes one recurrent layer's state per sequence on one rank, bytes; 0 without
 */
record HybridKvGroups(
    int groups,
    int layersPerGroup,
    List<OptionalLong> windows,
    int stateGroups,
    long layerKvBytesPerToken,
    long layerStateBytes) {

  /** vLLM's margin for using the largest bucket as the group size. */
  private static final double LARGEST_BUCKET_MARGIN = 1.25;

  /** The multiple of tokens vLLM rounds a raised attention block size to (FlashAttention's). */
  private static final int KERNEL_BLOCK_ALIGNMENT = 16;

  /**
   * The groups of one stage's layers.
   *
   * @param in the plan's input, for the per-layer view
   * @param stage the stage
   * @return empty unless the stage has layers of two or more cache types, attention layers of one K
   *     and V size and recurrent layers of one state size
   */
  static Optional<HybridKvGroups> of(PlanInput in, StageInput stage) {
    boolean mixedWithState = stage.stateBytesPerSequence() > 0 && stage.allKvBytesPerToken() > 0;
    if (!mixedWithState
        && (stage.windowCount() == 0
            || (stage.windowCount() == 1 && stage.fullKvBytesPerToken() == 0))) {
      return Optional.empty(); // one cache type: vLLM keeps one group
    }
    List<LayerInput> layers = in.layers().subList(stage.fromLayer(), stage.toLayer());
    Map<OptionalLong, Integer> buckets = new LinkedHashMap<>();
    long layerBytes = -1;
    long stateBytes = -1;
    int stateLayers = 0;
    for (LayerInput layer : layers) {
      if (layer.kvBytesPerToken() == 0) {
        if (layer.stateBytesPerSequence() > 0) {
          if (stateBytes >= 0 && layer.stateBytesPerSequence() != stateBytes) {
            return Optional.empty();
          }
          stateBytes = layer.stateBytesPerSequence();
          stateLayers++;
        }
        continue;
      }
      if (layerBytes >= 0 && layer.kvBytesPerToken() != layerBytes) {
        return Optional.empty();
      }
      layerBytes = layer.kvBytesPerToken();
      buckets.merge(layer.window(), 1, Integer::sum);
    }
    List<Integer> counts = new ArrayList<>(buckets.values());
    if (stateLayers > 0) {
      counts.add(stateLayers);
    }
    if (counts.size() < 2 || buckets.isEmpty()) {
      return Optional.empty();
    }
    int fewest = counts.stream().mapToInt(Integer::intValue).min().orElseThrow();
    int most = counts.stream().mapToInt(Integer::intValue).max().orElseThrow();
    int size = most < fewest * LARGEST_BUCKET_MARGIN ? most : fewest;
    List<OptionalLong> windows = new ArrayList<>();
    int attentionLayers = 0;
    for (Map.Entry<OptionalLong, Integer> bucket : buckets.entrySet()) {
      attentionLayers += bucket.getValue();
      long count = PlanInput.ceilDiv(bucket.getValue(), size);
      for (long g = 0; g < count; g++) {
        windows.add(bucket.getKey());
      }
    }
    int stateGroups = (int) PlanInput.ceilDiv(stateLayers, size);
    long perRank = stage.allKvBytesPerToken() / attentionLayers;
    long statePerRank = stateLayers == 0 ? 0 : stage.stateBytesPerSequence() / stateLayers;
    return Optional.of(
        new HybridKvGroups(
            windows.size() + stateGroups,
            size,
            List.copyOf(windows),
            stateGroups,
            perRank,
            statePerRank));
  }

  /**
   * The block size vLLM uses: the requested one, or when recurrent layers take part the smallest
   * multiple of 16 tokens whose attention page holds one layer's state, if that is larger.
   *
   * @param requested {@code --block-size}
   * @return tokens per block
   */
  int blockSize(int requested) {
    if (stateGroups == 0) {
      return requested;
    }
    long aligned =
        KERNEL_BLOCK_ALIGNMENT
            * PlanInput.ceilDiv(layerStateBytes, KERNEL_BLOCK_ALIGNMENT * layerKvBytesPerToken);
    return (int) Math.max(requested, aligned);
  }

  /**
   * One block of every tensor: {@code block_size} tokens of one layer times the group size.
   *
   * @param blockSize tokens per block
   * @return bytes
   */
  long blockBytes(int blockSize) {
    return Math.multiplyExact(
        Math.multiplyExact((long) blockSize, layerKvBytesPerToken), (long) layersPerGroup);
  }

  /**
   * The tokens vLLM reports for {@code blocks} blocks.
   *
   * @param blocks {@code num_blocks}
   * @param blockSize tokens per block
   * @return {@code blocks // groups × blockSize}
   */
  long reportedTokens(long blocks, int blockSize) {
    return Math.multiplyExact(blocks / groups, (long) blockSize);
  }

  /**
   * The blocks one request of {@code context} tokens takes, summed over the groups: {@code
   * cdiv(context, block)} for full attention, {@code cdiv(min(window − 1 + batched, context),
   * block) + 1} for a window, 1 for a recurrent state.
   *
   * @param context tokens in the request
   * @param batched {@code max_num_batched_tokens}
   * @param blockSize tokens per block
   * @return blocks
   */
  long blocksPerRequest(long context, long batched, int blockSize) {
    long sum = stateGroups;
    for (OptionalLong window : windows) {
      long blocks =
          window.isPresent()
              ? PlanInput.ceilDiv(Math.min(window.getAsLong() - 1 + batched, context), blockSize)
                  + 1
              : PlanInput.ceilDiv(context, blockSize);
      sum = Math.addExact(sum, blocks);
    }
    return sum;
  }
}
