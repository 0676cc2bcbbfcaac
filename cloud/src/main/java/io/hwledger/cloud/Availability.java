package io.hwledger.cloud;

/** What the provider says about capacity for an offer when it was fetched. */
public enum Availability {
  /** Listed as rentable now (a marketplace offer, or a region with capacity). */
  AVAILABLE,
  /** Stock reported high. */
  HIGH,
  /** Stock reported medium. */
  MEDIUM,
  /** Stock reported low. */
  LOW,
  /** Listed with a price but no capacity now. */
  NONE,
  /** The source says nothing about capacity (a price table, a snapshot). */
  UNKNOWN
}
