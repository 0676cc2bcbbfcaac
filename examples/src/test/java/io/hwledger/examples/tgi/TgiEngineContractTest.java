package io.hwledger.examples.tgi;

import io.hwledger.math.engine.EngineModel;
import io.hwledger.tck.EngineModelContract;
import io.hwledger.testsupport.Verifies;

/** The example third-party engine keeps the engine contract. */
@Verifies("FR-ENGINE-007")
class TgiEngineContractTest extends EngineModelContract {
  @Override
  protected EngineModel<?> model() {
    return new TgiEngineModel();
  }
}
