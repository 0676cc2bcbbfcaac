/**
 * The hwLedger planner: exact memory for any decoder architecture ({@link
 * io.hwledger.math.Planner}), capacity solvers ({@link io.hwledger.math.CapacitySolver}), Hugging
 * Face {@code config.json} ingestion ({@link io.hwledger.math.HfConfigReader}) and the built-in
 * model and GPU catalogs ({@link io.hwledger.math.ModelCatalog}, {@link
 * io.hwledger.math.GpuCatalog}).
 */
package io.hwledger.math;
