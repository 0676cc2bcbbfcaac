package io.hwledger.api;

/**
 * No particular engine: caches sized exactly for the workload (no paging granularity), an
 * activation peak for one prefill chunk, and a fixed runtime overhead per GPU. The assumptions are
 * documented on the planner.
 */
public record GenericEngine() implements Engine {
  /** The identifier of the generic engine. */
  public static final String ID = "generic";

  static final GenericEngine INSTANCE = new GenericEngine();

  @Override
  public String id() {
    return ID;
  }
}
