package io.hwledger.nvidia;

import io.hwledger.tck.JnaConfinementContract;

/** ADR 0006: only {@code io.hwledger.nvidia.jna} touches JNA. */
class JnaConfinementTest extends JnaConfinementContract {
  @Override
  protected Class<?> backendClass() {
    return NvmlBackendProvider.class;
  }
}
