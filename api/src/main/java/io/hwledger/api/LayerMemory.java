package io.hwledger.api;

import java.util.OptionalLong;

/**
 * What one layer costs.
 *
 * @param index 0-based layer index
 * @param mixer the mixer's {@link Mixer#label() label}
 * @param parameters parameters of the layer (all experts)
 * @param weightsBytes bytes of those parameters in their storage formats
 * @param kvBytesPerToken K plus V cache bytes one token adds to this layer, for one sequence (0 for
 *     recurrent layers)
 * @param windowTokens the sliding window that caps this layer's cache, if any
 * @param kvCacheBytes this layer's cache for every sequence of the workload, after its window
 * @param stateBytesPerSequence fixed recurrent state of one sequence in this layer (0 for
 *     attention)
 */
public record LayerMemory(
    int index,
    String mixer,
    long parameters,
    long weightsBytes,
    long kvBytesPerToken,
    OptionalLong windowTokens,
    long kvCacheBytes,
    long stateBytesPerSequence) {}
