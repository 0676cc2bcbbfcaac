package io.hwledger.bench.peer;

import io.hwledger.math.fixtures.DecoderGguf;
import java.util.Locale;

/**
 * One context the peer creates: a model file and {@code llama-server}'s flags for it, all on the
 * CPU ({@code -ngl 0}).
 *
 * @param model the GGUF's shape
 * @param nCtx {@code -c}: KV cells for all sequences together
 * @param seqs {@code -np}: sequences, each its own KV stream (no {@code -kvu})
 * @param ubatch {@code -ub}: tokens per micro-batch
 * @param flash {@code -fa on}
 * @param typeK {@code -ctk}, a ggml type name
 * @param typeV {@code -ctv}, a ggml type name
 * @param mmap whether the weights are memory-mapped ({@code --no-mmap} when false)
 */
record PeerCase(
    DecoderGguf model,
    long nCtx,
    int seqs,
    int ubatch,
    boolean flash,
    String typeK,
    String typeV,
    boolean mmap) {

  /** A name that says the flags: model, cells, sequences, micro-batch, flash attention, caches. */
  String id() {
    String kv = typeK.equals(typeV) ? typeK : typeK + "/" + typeV;
    return String.format(
        Locale.ROOT,
        "%s c%d np%d ub%d fa%s %s%s",
        model.id(),
        nCtx,
        seqs,
        ubatch,
        flash ? "1" : "0",
        kv,
        mmap ? "" : " no-mmap");
  }
}
