/**
 * Immutable value types of the hwLedger planner: what a model is ({@link ModelSpec}), how its
 * numbers are stored ({@link Precision}), what it is asked to do ({@link Workload}), where it runs
 * ({@link Deployment}) and what that costs in GPU memory ({@link MemoryPlan}).
 *
 * <p>Units: bytes and tokens are {@code long} and exact; nothing is floating point until display.
 * Every record validates its arguments in its constructor and throws {@link
 * IllegalArgumentException} naming the bad value. Nothing here is null: an absent value is an empty
 * {@code Optional}, and a null argument throws {@link NullPointerException}.
 */
@NullMarked
package io.hwledger.api;

import org.jspecify.annotations.NullMarked;
