package io.hwledger.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * A ledger, wherever its records are held: the embedded directory ({@link Ledger}, the default) or
 * a database (the PostgreSQL store of {@code hwledger-ledger-postgres}). Every store gives the same
 * sequence of events the same canonical record bytes, leaf hashes, Merkle roots, RFC 9162 proofs
 * and signed checkpoints, byte for byte; only where the bytes live differs (ADR 0021).
 *
 * <p>One writer at a time assigns sequence numbers and chain links: a store opened for writing
 * holds an exclusive claim (a file lock, a database advisory lock), and a writer that loses it
 * stops appending. Appends from many threads are group-committed. Reads, roots and proofs cover
 * acknowledged records only. Open one with {@link LedgerStores}.
 */
public interface LedgerStore extends AutoCloseable {

  /**
   * Appends an event and returns once it is durable.
   *
   * @param event the event to record
   * @return the record's sequence number and hash
   * @throws LedgerException if the store is read-only or closed, its writer has stopped after a
   *     failure (the event may or may not be recorded then), or the record cannot be encoded
   */
  default AppendResult append(LedgerEvent event) {
    return await(appendAsync(event));
  }

  /**
   * Queues an event; the future completes once it is durable, or exceptionally with a {@link
   * LedgerException}.
   *
   * @param event the event to record
   * @return a future of the record's sequence number and hash
   */
  CompletableFuture<AppendResult> appendAsync(LedgerEvent event);

  /**
   * Appends a record copied from another ledger, keeping its bytes: its sequence number must be
   * {@link #size()}, and its time, type, schema version and payload, chained to this ledger's last
   * record, must give exactly its hash. Migrating a ledger between stores is a series of these.
   *
   * @param record a record read from another ledger
   * @return the record's sequence number and hash, equal to {@code record}'s
   * @throws LedgerException if the record does not continue this ledger's chain (its sequence
   *     number or hash differs), or as {@link #append}
   */
  default AppendResult appendCopy(RecordedEvent record) {
    return await(appendCopyAsync(record));
  }

  /**
   * Queues a record copied from another ledger, as {@link #appendCopy} appends it; the future
   * completes once it is durable, or exceptionally with a {@link LedgerException}. Copies queued in
   * order are appended in order, so a migration can keep many in flight.
   *
   * @param record a record read from another ledger
   * @return a future of the record's sequence number and hash
   */
  CompletableFuture<AppendResult> appendCopyAsync(RecordedEvent record);

  /**
   * Acknowledged records, dropped ones included.
   *
   * @return the next sequence number
   */
  long size();

  /**
   * Whether this store's writer stopped after a failed commit (fail-stop): every later append
   * fails, and only a store opened again writes. A caller that led through this store has lost the
   * ledger: another writer may hold it by now. False for a read-only store.
   *
   * @return true once a commit failed
   */
  boolean writerStopped();

  /**
   * The Merkle root of all acknowledged records.
   *
   * @return a fresh 32-byte array; {@code SHA-256("")} for an empty ledger
   */
  byte[] root();

  /**
   * The Merkle root of the first {@code size} records.
   *
   * @param size records in the tree, {@code 0 ≤ size ≤ size()}
   * @return a fresh 32-byte array
   * @throws IllegalArgumentException if {@code size} is outside {@code [0, size()]}
   */
  byte[] root(long size);

  /**
   * The hash of record {@code seq}: its Merkle leaf hash.
   *
   * @param seq the record, {@code 0 ≤ seq < size()}
   * @return a fresh 32-byte array
   * @throws IllegalArgumentException if there is no record {@code seq}
   */
  byte[] leafHash(long seq);

  /**
   * An RFC 9162 inclusion proof of record {@code seq} in the tree of the first {@code size}
   * records.
   *
   * @param seq the record, {@code 0 ≤ seq < size}
   * @param size records in the tree, {@code 1 ≤ size ≤ size()}
   * @return the proof, {@code O(log size)} hashes
   * @throws IllegalArgumentException if a size or {@code seq} is out of range
   */
  InclusionProof inclusionProof(long seq, long size);

  /**
   * An RFC 9162 consistency proof between the trees of the first {@code oldSize} and {@code
   * newSize} records.
   *
   * @param oldSize records in the earlier tree, {@code 0 ≤ oldSize ≤ newSize}
   * @param newSize records in the later tree, at most {@link #size()}
   * @return the proof; empty when {@code oldSize} is 0 or equals {@code newSize}
   * @throws IllegalArgumentException if a size is out of range
   */
  ConsistencyProof consistencyProof(long oldSize, long newSize);

  /**
   * A checkpoint of the acknowledged records in the C2SP tlog-checkpoint format, signed as a C2SP
   * signed note.
   *
   * @param origin the log's identity, e.g. {@code fleet.example/ledger}
   * @param signer the key that signs the note
   * @return the signed note text, body then signature lines
   * @throws IllegalArgumentException if {@code origin} is not a valid checkpoint origin
   */
  String checkpoint(String origin, NoteSigner signer);

  /**
   * Hands up to {@code limit} acknowledged records from {@code from} on to {@code visitor}, in
   * order, holding only a bounded number in memory.
   *
   * @param from the first sequence number to visit
   * @param limit the most records to visit
   * @param visitor receives each record in sequence order
   * @throws IllegalArgumentException if {@code from} or {@code limit} is negative
   * @throws LedgerException if a record in range is damaged, missing or no longer held
   */
  void forEach(long from, long limit, Consumer<RecordedEvent> visitor);

  /**
   * Reads up to {@code limit} acknowledged records from {@code from} on.
   *
   * @param from the first sequence number to read
   * @param limit the most records to return
   * @return the records in sequence order; empty when {@code from} is at or past {@link #size()}
   * @throws IllegalArgumentException if {@code from} or {@code limit} is negative
   * @throws LedgerException as {@link #forEach}
   */
  default List<RecordedEvent> read(long from, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, was " + limit);
    }
    List<RecordedEvent> out = new ArrayList<>();
    forEach(from, limit, out::add);
    return out;
  }

  /**
   * Folds every acknowledged record, in order, into {@code projection}'s state.
   *
   * @param <S> the projection's state
   * @param projection the fold to apply, from its initial state
   * @return the state after the last acknowledged record
   * @throws LedgerException if the oldest records are no longer held
   */
  default <S> S replay(Projection<S> projection) {
    java.util.Objects.requireNonNull(projection, "projection");
    List<S> state = new ArrayList<>(List.of(projection.initial()));
    forEach(0, Long.MAX_VALUE, e -> state.set(0, projection.apply(state.get(0), e)));
    return state.get(0);
  }

  /** Waits for an append, rethrowing its failure as a {@link LedgerException} with its message. */
  private static AppendResult await(CompletableFuture<AppendResult> pending) {
    try {
      return pending.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerException("interrupted while waiting for the append to be durable", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new LedgerException(
          cause instanceof LedgerException ? cause.getMessage() : "append failed: " + cause, cause);
    }
  }

  /**
   * Where the records are, for messages: a directory, or a database URL without credentials or
   * query parameters.
   *
   * @return a description safe to log
   */
  String location();

  /**
   * Completes every queued append, makes it durable and releases the writer's claim; appends after
   * close fail.
   *
   * @throws LedgerException if closing fails
   */
  @Override
  void close();
}
