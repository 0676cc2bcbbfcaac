package io.hwledger.cloud;

/** How an offer is billed and whether it can be taken away. */
public enum Market {
  /** A fixed hourly price; the instance runs until the renter stops it. */
  ON_DEMAND,
  /**
   * Interruptible: the renter bids (at least the offer's price, by the offer's {@link
   * Offer#bidRule() bid rule}) and the provider may stop the instance when outbid or short of
   * capacity.
   */
  SPOT
}
