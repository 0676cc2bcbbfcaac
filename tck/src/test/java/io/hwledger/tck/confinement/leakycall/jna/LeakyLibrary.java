package io.hwledger.tck.confinement.leakycall.jna;

import com.sun.jna.Library;

/** A JNA binding, public so that code outside its package can (wrongly) call it. */
public interface LeakyLibrary extends Library {
  /** The library's init. */
  int fake_init();
}
