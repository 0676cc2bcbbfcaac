/**
 * The fleet agent: {@link io.hwledger.fleet.agent.JobRunner} runs placed jobs whose executables are
 * on the agent's {@link io.hwledger.fleet.agent.Allowlist}.
 */
@NullMarked
package io.hwledger.fleet.agent;

import org.jspecify.annotations.NullMarked;
