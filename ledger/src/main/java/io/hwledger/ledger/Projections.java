package io.hwledger.ledger;

import java.util.Objects;

/** Replays recorded events into {@link Projection}s. */
public final class Projections {

  private Projections() {}

  /**
   * Folds {@code events} into {@code projection}'s state, starting from {@link
   * Projection#initial()}.
   *
   * @param <S> the projection's state
   * @param events in strictly increasing sequence order, as the ledger returns them
   * @param projection the fold to apply
   * @return the state after the last event; the initial state if there are none
   * @throws IllegalArgumentException if the sequence numbers do not strictly increase
   * @throws NullPointerException if the projection returns a null state
   */
  public static <S> S replay(Iterable<RecordedEvent> events, Projection<S> projection) {
    Objects.requireNonNull(projection, "projection");
    return replay(events, projection, projection.initial());
  }

  /**
   * Folds {@code events} into {@code projection}'s state starting from {@code state}, the state
   * after some earlier prefix of the ledger: use it to bring a snapshot up to date with the records
   * appended since.
   *
   * @param <S> the projection's state
   * @param events in strictly increasing sequence order
   * @param projection the fold to apply
   * @param state the state to start from, not null
   * @return the state after the last event; {@code state} if there are none
   * @throws IllegalArgumentException if the sequence numbers do not strictly increase
   * @throws NullPointerException if the projection returns a null state
   */
  public static <S> S replay(Iterable<RecordedEvent> events, Projection<S> projection, S state) {
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(projection, "projection");
    S current = Objects.requireNonNull(state, "state");
    long previous = -1;
    for (RecordedEvent event : events) {
      Objects.requireNonNull(event, "event");
      if (event.seq() <= previous) {
        throw new IllegalArgumentException(
            "events out of order: seq " + event.seq() + " after seq " + previous);
      }
      previous = event.seq();
      current =
          Objects.requireNonNull(
              projection.apply(current, event),
              () -> "projection returned a null state for seq " + event.seq());
    }
    return current;
  }
}
