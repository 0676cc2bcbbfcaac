package io.hwledger.tck.confinement.leakyimport;

import com.sun.jna.ptr.IntByReference;

/** Breaks the rule with a JNA type outside a jna package; never called by the tests. */
public final class LeakyImport {
  private LeakyImport() {}

  /** Unwraps an out-parameter. */
  public static int unwrap() {
    return new IntByReference(7).getValue();
  }
}
