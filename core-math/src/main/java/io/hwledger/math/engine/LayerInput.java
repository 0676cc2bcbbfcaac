package io.hwledger.math.engine;

import java.util.OptionalLong;

/**
 * One decoder layer of the whole model (no tensor parallelism), for engines that place layers one
 * by one (llama.cpp's {@code -ngl}).
 *
 * @param weightBytes the layer's weights, bytes
 * @param kvBytesPerToken K and V bytes per cached token per sequence; 0 for a recurrent layer
 * @param window the sliding window that caps the layer's cache, tokens, if any
 * @param stateBytesPerSequence recurrent state bytes per sequence; 0 for attention
 * @param attentionHeads the layer's query heads (its attention scores' width); 0 for a recurrent
 *     layer
 */
public record LayerInput(
    long weightBytes,
    long kvBytesPerToken,
    OptionalLong window,
    long stateBytesPerSequence,
    long attentionHeads) {}
