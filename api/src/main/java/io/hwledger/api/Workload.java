package io.hwledger.api;

/**
 * What the model is asked to hold at once.
 *
 * @param contextTokens tokens per sequence (prompt plus generated), the length every sequence's
 *     cache is sized for
 * @param sequences sequences held concurrently (users, or the engine's maximum batch)
 * @param prefillChunkTokens the most prompt tokens processed in one forward pass (chunked prefill);
 *     sizes the activation peak
 */
public record Workload(long contextTokens, long sequences, long prefillChunkTokens) {

  /** Prefill chunk used by {@link #of}: 2048 tokens, vLLM's chunked-prefill default batch. */
  public static final long DEFAULT_PREFILL_CHUNK_TOKENS = 2048;

  /**
   * Validates that every quantity is positive.
   *
   * @param contextTokens tokens per sequence, at least 1
   * @param sequences concurrent sequences, at least 1
   * @param prefillChunkTokens prompt tokens per forward pass, at least 1
   * @throws IllegalArgumentException if a quantity is not positive
   */
  public Workload {
    Checks.positive(contextTokens, "contextTokens");
    Checks.positive(sequences, "sequences");
    Checks.positive(prefillChunkTokens, "prefillChunkTokens");
  }

  /**
   * A workload with the default prefill chunk.
   *
   * @param contextTokens tokens per sequence, at least 1
   * @param sequences concurrent sequences, at least 1
   * @return the workload, with {@link #DEFAULT_PREFILL_CHUNK_TOKENS}
   * @throws IllegalArgumentException if a quantity is not positive
   */
  public static Workload of(long contextTokens, long sequences) {
    return new Workload(contextTokens, sequences, DEFAULT_PREFILL_CHUNK_TOKENS);
  }

  /**
   * This workload with {@code tokens} per sequence.
   *
   * @param tokens tokens per sequence, at least 1
   * @return a copy with the new context
   * @throws IllegalArgumentException if {@code tokens} is not positive
   */
  public Workload withContextTokens(long tokens) {
    return new Workload(tokens, sequences, prefillChunkTokens);
  }

  /**
   * This workload with {@code count} concurrent sequences.
   *
   * @param count concurrent sequences, at least 1
   * @return a copy with the new count
   * @throws IllegalArgumentException if {@code count} is not positive
   */
  public Workload withSequences(long count) {
    return new Workload(contextTokens, count, prefillChunkTokens);
  }
}
