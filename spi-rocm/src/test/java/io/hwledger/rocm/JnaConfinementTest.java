package io.hwledger.rocm;

import io.hwledger.tck.JnaConfinementContract;
import io.hwledger.testsupport.Verifies;

/** ADR 0006: only {@code io.hwledger.rocm.jna} touches JNA. */
@Verifies("FR-TELEMETRY-009")
class JnaConfinementTest extends JnaConfinementContract {
  @Override
  protected Class<?> backendClass() {
    return RocmSmiBackendProvider.class;
  }
}
