/**
 * Placement by planned memory (FLEET.md §2): {@link io.hwledger.fleet.placement.JobPlanner} turns a
 * job into a plan per GPU model, with the claim its engine process will hold on each GPU. Memory is
 * bytes. Pure logic: no I/O, no threads.
 */
@NullMarked
package io.hwledger.fleet.placement;

import org.jspecify.annotations.NullMarked;
