package io.hwledger.api;

/**
 * No particular engine: caches sized exactly for the workload (no paging granularity), an
 * activation peak for one prefill chunk, and a fixed runtime overhead per GPU. The assumptions are
 * documented on the planner.
 */
public record GenericEngine() implements Engine {
  static final GenericEngine INSTANCE = new GenericEngine();

  @Override
  public EngineProfile profile() {
    return EngineProfile.GENERIC;
  }
}
