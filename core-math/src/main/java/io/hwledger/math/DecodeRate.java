package io.hwledger.math;

import java.util.Objects;

/**
 * Decode speed at one batch size.
 *
 * @param batch sequences decoded together, each at the estimate's context
 * @param stepSeconds time for every sequence of the batch to gain one token, seconds
 * @param tokensPerSecondPerSequence one sequence's decode speed, tokens per second ({@code 1 /
 *     stepSeconds})
 * @param tokensPerSecond the whole deployment's decode speed, tokens per second ({@code batch /
 *     stepSeconds})
 * @param bound what limits the slowest pipeline stage
 */
public record DecodeRate(
    long batch,
    double stepSeconds,
    double tokensPerSecondPerSequence,
    double tokensPerSecond,
    SpeedBound bound) {

  /**
   * Validates the arguments.
   *
   * @param batch sequences decoded together
   * @param stepSeconds seconds for every sequence to gain one token
   * @param tokensPerSecondPerSequence one sequence's speed, tokens per second
   * @param tokensPerSecond the deployment's speed, tokens per second
   * @param bound what limits the slowest pipeline stage
   * @throws IllegalArgumentException if {@code batch} or {@code stepSeconds} is not positive
   */
  public DecodeRate {
    if (batch <= 0) {
      throw new IllegalArgumentException("batch must be positive, was " + batch);
    }
    if (!(stepSeconds > 0)) {
      throw new IllegalArgumentException("stepSeconds must be positive, was " + stepSeconds);
    }
    Objects.requireNonNull(bound, "bound");
  }
}
