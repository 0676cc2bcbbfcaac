/**
 * The fleet's agentless SSH fallback: the GPUs of hosts that run no agent, read over SSH with fixed
 * read-only commands (FLEET.md section 4).
 */
@NullMarked
package io.hwledger.fleet.ssh;

import org.jspecify.annotations.NullMarked;
