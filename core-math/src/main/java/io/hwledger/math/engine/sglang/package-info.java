/**
 * SGLang: its settings ({@link io.hwledger.math.engine.sglang.SglangEngine}), its memory accounting
 * ({@code mem_fraction_static} and its default, a token-granular KV pool) and its {@code
 * sglang.launch_server} command line ({@link io.hwledger.math.engine.sglang.SglangEngineModel}).
 */
package io.hwledger.math.engine.sglang;
