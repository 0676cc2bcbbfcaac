package io.hwledger.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * The one writer of a {@link LedgerStore}, for store implementations: appends queued from any
 * thread are taken by a single writer thread in batches (every append waiting, up to the largest
 * batch), and each batch is handed to the store to write and make durable at once (group commit).
 * Appenders that the previous batch woke are usually still on their way back: while a batch is
 * smaller than the last one, the writer waits up to 100 µs for them, so that they share this
 * batch's commit instead of paying for the next (a bounded commit delay; a lone appender never
 * waits).
 *
 * <p>Fail-stop: when the store's commit throws, the writer stops for good — the batch's appends not
 * yet completed, every queued append and every later one fail with the store's "stopped" exception
 * — because after a failed write or commit what is durable is unknown until the store is reopened.
 *
 * @param <T> the store's queued append
 */
public final class GroupCommit<T extends GroupCommit.Append> {

  /** An append waiting for the writer. */
  public interface Append {
    /**
     * Completed by the store once the append is durable, or failed.
     *
     * @return the append's future
     */
    CompletableFuture<AppendResult> done();
  }

  /** What the store does with a batch. */
  @FunctionalInterface
  public interface Writer<T> {
    /**
     * Writes the batch and makes it durable, then completes each append (an append that cannot be
     * encoded may be failed alone, before the write).
     *
     * @param batch the appends, in queue order
     * @throws Exception if the write or commit failed: the writer stops for good
     */
    void commit(List<T> batch) throws Exception;
  }

  /** The longest a batch waits for appenders still on their way back, nanoseconds. */
  private static final long COMMIT_DELAY_NANOS = 100_000;

  /** A queued append, or (with none) the writer's stop, queued after the last accepted append. */
  private record Slot<T>(T append) {}

  private final BlockingQueue<Slot<T>> queue = new LinkedBlockingQueue<>();
  private final Slot<T> stop = new Slot<>(null);
  private final Object lifecycle = new Object();
  private final String location;
  private final int maxBatch;
  private final Writer<T> writer;
  private final Function<Throwable, LedgerException> stopped;
  private final Thread thread;
  private volatile Throwable failure;
  private boolean closing;
  private int lastBatchSize;

  /**
   * Starts the writer thread.
   *
   * @param location the store, for messages and the thread's name
   * @param maxBatch the most appends in one batch, at least 1
   * @param writer writes and commits a batch
   * @param stopped the exception appends fail with once the writer has stopped, from the failure
   */
  public GroupCommit(
      String location,
      int maxBatch,
      Writer<T> writer,
      Function<Throwable, LedgerException> stopped) {
    this.location = Objects.requireNonNull(location, "location");
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
    }
    this.maxBatch = maxBatch;
    this.writer = Objects.requireNonNull(writer, "writer");
    this.stopped = Objects.requireNonNull(stopped, "stopped");
    this.thread = new Thread(this::writeLoop, "hwledger-writer " + location);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Queues an append; it fails at once when the writer has stopped or is closed.
   *
   * @param append the append
   * @return its future
   */
  public CompletableFuture<AppendResult> submit(T append) {
    synchronized (lifecycle) {
      Throwable failed = failure;
      if (failed != null) {
        append.done().completeExceptionally(stopped.apply(failed));
      } else if (closing) {
        append
            .done()
            .completeExceptionally(new LedgerException("ledger " + location + " is closed"));
      } else {
        queue.add(new Slot<>(append));
      }
    }
    return append.done();
  }

  /**
   * Whether the writer stopped after a failed commit.
   *
   * @return true once a commit failed
   */
  public boolean stopped() {
    return failure != null;
  }

  /** Writes every append queued before it, then ends the writer thread; later appends fail. */
  public void close() {
    synchronized (lifecycle) {
      if (closing) {
        return;
      }
      closing = true;
      queue.add(stop);
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @SuppressWarnings({"ThreadPriorityCheck", "ReferenceEquality"}) // yield: see the loop; stop
  private void writeLoop() {
    List<Slot<T>> slots = new ArrayList<>();
    List<T> batch = new ArrayList<>();
    while (true) {
      Slot<T> first;
      try {
        first = queue.take();
      } catch (InterruptedException e) {
        continue; // only close() ends the writer, through the stop queued after the last append
      }
      slots.clear();
      slots.add(first);
      queue.drainTo(slots, maxBatch - 1);
      if (slots.size() < lastBatchSize) {
        long deadline = System.nanoTime() + COMMIT_DELAY_NANOS;
        while (slots.size() < lastBatchSize && System.nanoTime() < deadline) {
          Thread.yield(); // parkNanos would oversleep by the timer slack, tens of microseconds
          queue.drainTo(slots, maxBatch - slots.size());
        }
      }
      lastBatchSize = slots.size();
      boolean ending = slots.remove(stop);
      batch.clear();
      slots.forEach(s -> batch.add(s.append()));
      if (!batch.isEmpty()) {
        commit(batch);
      }
      if (ending) {
        return;
      }
    }
  }

  private void commit(List<T> batch) {
    Throwable failed = failure;
    if (failed != null) {
      batch.forEach(a -> a.done().completeExceptionally(stopped.apply(failed)));
      return;
    }
    try {
      writer.commit(batch);
    } catch (Exception | Error e) {
      failure = e;
      batch.forEach(a -> a.done().completeExceptionally(stopped.apply(e)));
      failQueued(e);
    }
  }

  @SuppressWarnings("ReferenceEquality") // stop is a sentinel instance
  private void failQueued(Throwable cause) {
    synchronized (lifecycle) {
      List<Slot<T>> rest = new ArrayList<>();
      queue.drainTo(rest);
      for (Slot<T> s : rest) {
        if (s == stop) {
          queue.add(stop); // still owed to the writer loop, which ends on it
        } else {
          s.append().done().completeExceptionally(stopped.apply(cause));
        }
      }
    }
  }
}
