/**
 * The Vast.ai price source: the marketplace's offer search ({@code POST /api/v0/bundles/}), read
 * once for on-demand and once for interruptible (bid) prices, each offer at its own price.
 */
@NullMarked
package io.hwledger.cloud.vastai;

import org.jspecify.annotations.NullMarked;
