package io.hwledger.tck.confinement.clean.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import io.hwledger.tck.confinement.clean.CleanApi;

/** The JNA side of {@link CleanApi}; never called by the tests. */
public final class CleanBinding implements CleanApi {
  interface CleanLibrary extends Library {
    int fake_device_count(IntByReference count);
  }

  private final CleanLibrary lib;

  private CleanBinding(CleanLibrary lib) {
    this.lib = lib;
  }

  /** Loads the library. */
  public static CleanApi load() {
    return new CleanBinding(Native.load("fake", CleanLibrary.class));
  }

  @Override
  public int deviceCount() {
    IntByReference count = new IntByReference();
    lib.fake_device_count(count);
    return count.getValue();
  }
}
