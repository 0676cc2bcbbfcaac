package io.hwledger.api;

/** A layer without a feed-forward block (pure Mamba layers). */
public enum NoMlp implements Mlp {
  /** The only instance. */
  INSTANCE
}
