package io.hwledger.examples.tgi;

import io.hwledger.math.engine.EngineModel;
import io.hwledger.tck.EngineModelContract;

/** The example third-party engine keeps the engine contract. */
class TgiEngineContractTest extends EngineModelContract {
  @Override
  protected EngineModel<?> model() {
    return new TgiEngineModel();
  }
}
