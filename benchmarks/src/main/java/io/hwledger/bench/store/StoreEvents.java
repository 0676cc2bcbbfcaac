package io.hwledger.bench.store;

import io.hwledger.ledger.LedgerEvent;
import java.util.Locale;

/**
 * The events every store appends: fleet placement decisions whose canonical JSON payload is exactly
 * {@value #PAYLOAD_BYTES} bytes, a ring of {@value #RING} per appender with values that differ
 * between appenders, canonicalised once before the clock starts.
 */
final class StoreEvents {
  /** Events per appender's ring; a power of two. */
  static final int RING = 64;

  /** Index mask into a ring. */
  static final int MASK = RING - 1;

  /** The events' type. */
  static final String TYPE = "fleet.job.placed";

  /** The canonical payload's size in bytes. */
  static final int PAYLOAD_BYTES = 200;

  private StoreEvents() {}

  /**
   * One appender's ring.
   *
   * @param seed the appender's number
   * @return {@value #RING} events, each with a {@value #PAYLOAD_BYTES}-byte payload
   */
  static LedgerEvent[] ring(int seed) {
    LedgerEvent[] ring = new LedgerEvent[RING];
    for (int i = 0; i < RING; i++) {
      ring[i] = event(seed, i);
    }
    return ring;
  }

  /**
   * One event: a job placed on a GPU, padded to {@value #PAYLOAD_BYTES} bytes of canonical JSON.
   *
   * @param seed the appender's number
   * @param i the event's number in the ring
   * @return the event
   */
  static LedgerEvent event(int seed, int i) {
    int unpadded = LedgerEvent.of(TYPE, 1, json(seed, i, "")).payload().length;
    if (unpadded > PAYLOAD_BYTES) {
      throw new IllegalStateException("the unpadded payload is already " + unpadded + " bytes");
    }
    LedgerEvent e = LedgerEvent.of(TYPE, 1, json(seed, i, "x".repeat(PAYLOAD_BYTES - unpadded)));
    if (e.payload().length != PAYLOAD_BYTES) {
      throw new IllegalStateException("payload is " + e.payload().length + " bytes");
    }
    return e;
  }

  private static String json(int seed, int i, String pad) {
    return String.format(
        Locale.ROOT,
        "{\"job\":\"job-%06d-%03d\",\"host\":\"gpu-node-%03d\",\"gpu\":"
            + "\"GPU-%08x-4b2c-9d1e-%012x\",\"plannedBytes\":%d,\"freeBytes\":%d,"
            + "\"model\":\"llama-3.1-8b\",\"engine\":\"vllm\",\"pad\":\"%s\"}",
        seed,
        i,
        (seed * 7 + i) % 1000,
        seed * 31 + i,
        (long) seed * 1_000_003L + i,
        17_179_869_184L + i * 1_048_576L,
        85_899_345_920L - i * 4_096L,
        pad);
  }
}
