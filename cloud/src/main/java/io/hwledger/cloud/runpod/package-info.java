/**
 * The RunPod price source: GPU types of its GraphQL API with their Secure and Community, on-demand
 * and spot prices per GPU-hour, offered at 1, 2, 4 and 8 GPUs where each cloud allows that many.
 */
@NullMarked
package io.hwledger.cloud.runpod;

import org.jspecify.annotations.NullMarked;
