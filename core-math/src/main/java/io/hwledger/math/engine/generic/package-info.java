/**
 * The generic engine: caches sized exactly for the workload, one prefill chunk of activations and 1
 * GiB of runtime overhead per GPU ({@link io.hwledger.math.engine.generic.GenericEngineModel});
 * what the planner does when no engine is named.
 */
package io.hwledger.math.engine.generic;
