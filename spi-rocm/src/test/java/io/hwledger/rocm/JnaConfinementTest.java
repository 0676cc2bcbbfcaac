package io.hwledger.rocm;

import io.hwledger.tck.JnaConfinementContract;

/** ADR 0006: only {@code io.hwledger.rocm.jna} touches JNA. */
class JnaConfinementTest extends JnaConfinementContract {
  @Override
  protected Class<?> backendClass() {
    return RocmSmiBackendProvider.class;
  }
}
