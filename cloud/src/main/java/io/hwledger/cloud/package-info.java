/**
 * Cloud GPU prices and the cheapest deployment that fits: {@link io.hwledger.cloud.CloudPrices}
 * fetches {@link io.hwledger.cloud.Offer}s from every {@link io.hwledger.cloud.PriceSource}, and
 * {@link io.hwledger.cloud.CheapestFit} plans a model on each offer and ranks those that fit by
 * cost per million output tokens.
 */
@NullMarked
package io.hwledger.cloud;

import org.jspecify.annotations.NullMarked;
