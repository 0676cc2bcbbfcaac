package io.hwledger.tck.confinement.clean;

/** A plain-Java facade over a native library. */
public interface CleanApi {
  /** How many devices the library sees. */
  int deviceCount();
}
