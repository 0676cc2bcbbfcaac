package io.hwledger.fleet.placement;

import io.hwledger.fleet.protocol.JobSpec;
import io.hwledger.fleet.protocol.ModelFile;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The most recently used plans (or planning errors) by job and GPU kind. Planning happens outside
 * the lock; only the map is guarded.
 */
final class PlanCache {
  /** A job on a GPU kind, with the model file an agent read for it (null for other jobs). */
  record Key(JobSpec spec, GpuKind gpu, @Nullable ModelFile file) {}

  /** Least recently used first; drops the eldest beyond the capacity. */
  private static final class Lru extends LinkedHashMap<Key, Object> {
    private static final long serialVersionUID = 1L;
    private final int capacity;

    Lru(int capacity) {
      super(16, 0.75f, true);
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Object> eldest) {
      return size() > capacity;
    }
  }

  private final Lru entries;

  PlanCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, was " + capacity);
    }
    this.entries = new Lru(capacity);
  }

  synchronized @Nullable Object get(Key key) {
    return entries.get(key);
  }

  synchronized void put(Key key, Object value) {
    entries.put(key, value);
  }
}
