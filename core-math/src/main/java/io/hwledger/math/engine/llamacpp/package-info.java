/**
 * llama.cpp ({@code llama-server}): its settings ({@link
 * io.hwledger.math.engine.llamacpp.LlamaCppEngine}), its memory accounting ({@code n_ctx} cells
 * shared by slots, {@code -ngl} offload, compute buffer) and its command line ({@link
 * io.hwledger.math.engine.llamacpp.LlamaCppEngineModel}).
 */
package io.hwledger.math.engine.llamacpp;
