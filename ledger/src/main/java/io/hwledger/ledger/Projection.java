package io.hwledger.ledger;

/**
 * A fold of recorded events into a state, such as the current fleet inventory: replaying a ledger
 * from its first record through {@link Projections#replay} rebuilds the state at any point.
 *
 * <p>Implementations must be pure: {@link #apply} depends only on its arguments, leaves them
 * unchanged and returns a new state (or the same one). An event of a type the projection does not
 * use, or of a schema version newer than it understands, must not throw and must leave the state as
 * it is: return {@code state}, or a copy that differs only in bookkeeping such as a count of
 * skipped events. A ledger written by a newer build thus stays readable by an older one.
 *
 * @param <S> the state; immutable, so a state returned earlier stays valid
 */
public interface Projection<S> {

  /**
   * The state before any event.
   *
   * @return the initial state, never null
   */
  S initial();

  /**
   * The state after {@code event}.
   *
   * @param state the state after every earlier event
   * @param event the next event, in sequence order
   * @return the new state, never null
   */
  S apply(S state, RecordedEvent event);
}
