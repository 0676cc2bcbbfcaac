package io.hwledger.metal;

import io.hwledger.tck.JnaConfinementContract;

/** ADR 0006: only {@code io.hwledger.metal.jna} touches JNA. */
class JnaConfinementTest extends JnaConfinementContract {
  @Override
  protected Class<?> backendClass() {
    return MetalBackendProvider.class;
  }
}
