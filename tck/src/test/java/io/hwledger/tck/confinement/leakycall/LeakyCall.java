package io.hwledger.tck.confinement.leakycall;

import io.hwledger.tck.confinement.leakycall.jna.LeakyLibrary;

/**
 * Breaks the rule by calling a JNA binding interface directly; no JNA type appears in the call, so
 * only the binding's supertype gives it away. Never called by the tests.
 */
public final class LeakyCall {
  private LeakyCall() {}

  /** Calls the library directly. */
  public static int init(LeakyLibrary lib) {
    return lib.fake_init();
  }
}
