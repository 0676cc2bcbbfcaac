package io.hwledger.tck;

import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.generic.GenericEngineModel;

/** The built-in generic engine model keeps the engine contract. */
class GenericEngineContractTest extends EngineModelContract {
  @Override
  protected EngineModel<?> model() {
    return new GenericEngineModel();
  }
}
