package io.hwledger.fleet.placement;

/**
 * What {@link Placer} decided for a job: a {@link Placement} or a {@link Refusal}. Dispatch with
 * {@code instanceof}.
 */
public sealed interface Decision permits Placement, Refusal {}
