/**
 * Typed events for a GPU fleet's life, and the {@link io.hwledger.ledger.events.FleetInventory}
 * projection that replays them.
 *
 * <p>Each event is a record with its {@code TYPE} and {@code SCHEMA_VERSION}, a {@code toEvent()}
 * that produces the {@link io.hwledger.ledger.LedgerEvent} to append, and a static {@code
 * from(RecordedEvent)} that decodes and validates one read back. Payload members are named after
 * the record components; an optional value that is absent is left out of the payload, never written
 * as {@code null} or zero. Decoders are strict: a missing member, a {@code null}, a member the
 * schema version does not define, or a value out of range is an {@link IllegalArgumentException}
 * naming the member.
 *
 * <p>Whole numbers (bytes, sequence numbers, milliseconds) must lie in [0, 2<sup>53</sup> − 1]:
 * canonical JSON carries numbers as IEEE 754 doubles (RFC 8785), and larger integers would not
 * survive the round trip exactly. Every component is validated in the constructor.
 */
package io.hwledger.ledger.events;
