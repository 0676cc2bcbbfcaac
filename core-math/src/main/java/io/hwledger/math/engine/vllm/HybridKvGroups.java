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
 * vLLM's hybrid KV cache groups for a stage whose attention layers mix full attention and sliding
 * windows ({@code vllm/v1/core/kv_cache_utils.py}, v0.10–v0.19: {@code
 * _get_kv_cache_groups_uniform_page_size}, {@code get_kv_cache_config_from_groups}, {@code
 * _report_kv_cache_config}).
 *
 * <ul>
 *   <li>Layers are bucketed by their cache spec (here: full, or one window). The group size is the
 *       fewest layers of any bucket, or the most when the most are fewer than 1.25 × the fewest;
 *       each bucket is split into {@code cdiv(layers, group size)} groups, the last padded to the
 *       group size.
 *   <li>Every group has the same page ({@code block_size} tokens of one layer); the pool is {@code
 *       group size} tensors, each shared by one layer of every group, so {@code num_blocks =
 *       available // page // group size}.
 *   <li>"GPU KV cache size" is {@code num_blocks // groups × block_size} tokens; "Maximum
 *       concurrency" is {@code num_blocks} over the blocks one request takes in every group.
 * </ul>
 *
 * <p>Gemma 3 27B (10 full and 52 sliding layers) has 7 groups of 10 layers, 8 of them padding: its
 * reported tokens are 62/70 of what one pool of every layer would give. Models whose layers have
 * different K and V sizes (vLLM then changes block sizes to unify pages) are not grouped here.
 *
 * @param groups the number of groups
 * @param layersPerGroup the group size, padding included
 * @param windows each group's window, or empty for full attention
 * @param layerKvBytesPerToken one layer's K and V per cached token on one rank, bytes
 */
record HybridKvGroups(
    int groups, int layersPerGroup, List<OptionalLong> windows, long layerKvBytesPerToken) {

  /** vLLM's margin for using the largest bucket as the group size. */
  private static final double LARGEST_BUCKET_MARGIN = 1.25;

  /**
   * The groups of one stage's layers.
   *
   * @param in the plan's input, for the per-layer view
   * @param stage the stage
   * @return empty unless the stage has layers of two or more cache types with one K and V size
   */
  static Optional<HybridKvGroups> of(PlanInput in, StageInput stage) {
    if (stage.windowCount() == 0
        || (stage.windowCount() == 1 && stage.fullKvBytesPerToken() == 0)) {
      return Optional.empty(); // one cache type: vLLM keeps one group
    }
    List<LayerInput> layers = in.layers().subList(stage.fromLayer(), stage.toLayer());
    Map<OptionalLong, Integer> buckets = new LinkedHashMap<>();
    long layerBytes = -1;
    for (LayerInput layer : layers) {
      if (layer.kvBytesPerToken() == 0) {
        continue;
      }
      if (layerBytes >= 0 && layer.kvBytesPerToken() != layerBytes) {
        return Optional.empty();
      }
      layerBytes = layer.kvBytesPerToken();
      buckets.merge(layer.window(), 1, Integer::sum);
    }
    if (buckets.size() < 2) {
      return Optional.empty();
    }
    int fewest = buckets.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
    int most = buckets.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
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
    long perRank = stage.allKvBytesPerToken() / attentionLayers;
    return Optional.of(new HybridKvGroups(windows.size(), size, List.copyOf(windows), perRank));
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
   * block) + 1} for a window.
   *
   * @param context tokens in the request
   * @param batched {@code max_num_batched_tokens}
   * @param blockSize tokens per block
   * @return blocks
   */
  long blocksPerRequest(long context, long batched, int blockSize) {
    long sum = 0;
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
