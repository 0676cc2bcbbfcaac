/**
 * Reads the header of a GGUF file (ggml {@code docs/gguf.md}, versions 1 to 3, either byte order)
 * without touching tensor data: metadata as typed values ({@link io.hwledger.math.gguf.GgufType},
 * arrays unboxed in {@link io.hwledger.math.gguf.GgufArray}), tensor infos with their exact bytes,
 * the {@link io.hwledger.api.ModelSpec} the metadata describes, and the per-layer weight bytes the
 * planner takes as {@link io.hwledger.math.CheckpointWeights}. Every count a file claims is checked
 * before anything is allocated for it (see {@code docs/adr/0007-gguf-reader.md}). Entry point:
 * {@link io.hwledger.math.gguf.GgufReader}.
 */
package io.hwledger.math.gguf;
