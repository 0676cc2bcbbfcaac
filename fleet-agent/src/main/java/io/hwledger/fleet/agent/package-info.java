/** The fleet agent: {@link io.hwledger.fleet.agent.JobRunner} runs placed jobs. */
@NullMarked
package io.hwledger.fleet.agent;

import org.jspecify.annotations.NullMarked;
