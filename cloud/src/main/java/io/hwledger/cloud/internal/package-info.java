/**
 * Implementation shared by the built-in sources, not exported: the retrying HTTP transport, the
 * normalised-offer JSON of snapshots and the cache, and the provider GPU-name table.
 */
@NullMarked
package io.hwledger.cloud.internal;

import org.jspecify.annotations.NullMarked;
