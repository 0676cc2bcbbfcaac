package io.hwledger.ledger.postgres;

import io.hwledger.ledger.LedgerEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random events of the kinds a fleet records; the seed is printed so a run can be repeated.
 */
final class Events {
  private static final String[] TYPES = {
    "fleet.agent.registered",
    "fleet.job.placed",
    "plan.computed",
    "plan.reconciled",
    "device.registered"
  };

  private Events() {}

  static List<LedgerEvent> random(long seed, int count) {
    System.out.println("events seed " + seed);
    Random random = new Random(seed);
    List<LedgerEvent> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String type = TYPES[random.nextInt(TYPES.length)];
      String json =
          "{\"n\":"
              + i
              + ",\"bytes\":"
              + (random.nextLong() >>> 12)
              + ",\"gpu\":\"GPU-"
              + Integer.toHexString(random.nextInt())
              + "\",\"note\":\""
              + "x".repeat(random.nextInt(200))
              + "\"}";
      out.add(LedgerEvent.of(type, 1 + random.nextInt(2), json));
    }
    return out;
  }
}
