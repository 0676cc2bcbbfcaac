/**
 * Placement by planned memory (FLEET.md §2): {@link io.hwledger.fleet.placement.JobPlanner} turns a
 * job into a plan per GPU model, whose per-GPU claim {@link io.hwledger.fleet.placement.Placer}
 * checks against every candidate GPU's allocatable memory (total − Σ claims − reserve) and its
 * latest fresh measured free memory, failing closed, and either places the job (binpack or spread,
 * deterministic ties) or refuses it with the rule and numbers for every candidate GPU. Memory is
 * bytes, times are {@link java.time.Instant}s of the server's clock. Pure logic: no I/O, no
 * threads.
 */
@NullMarked
package io.hwledger.fleet.placement;

import org.jspecify.annotations.NullMarked;
