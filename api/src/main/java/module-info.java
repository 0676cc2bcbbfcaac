/**
 * hwLedger's planner API: immutable model, precision, workload and deployment types, the
 * engine-neutral {@link io.hwledger.api.Engine}, and the plans the planner returns. JDK only.
 */
module io.hwledger.api {
  requires static org.jspecify;

  exports io.hwledger.api;
}
