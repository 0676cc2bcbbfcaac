package io.hwledger.spi;

/** Who made a GPU. */
public enum Vendor {
  /** NVIDIA. */
  NVIDIA,
  /** AMD. */
  AMD,
  /** Apple silicon. */
  APPLE,
  /** Anyone else (third-party backends). */
  OTHER
}
