package io.hwledger.tck.confinement.clean;

import io.hwledger.tck.confinement.clean.jna.CleanBinding;

/** Keeps JNA in its jna package: reaches the library only through a plain-Java facade. */
public final class CleanBackend {
  private CleanBackend() {}

  /** The facade's answer. */
  public static int devices() {
    CleanApi api = CleanBinding.load();
    return api.deviceCount();
  }
}
