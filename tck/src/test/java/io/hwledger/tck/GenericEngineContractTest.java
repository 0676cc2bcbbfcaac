package io.hwledger.tck;

import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.generic.GenericEngineModel;
import io.hwledger.testsupport.Verifies;

/** The built-in generic engine model keeps the engine contract. */
@Verifies({"FR-ENGINE-006", "FR-ENGINE-007"})
class GenericEngineContractTest extends EngineModelContract {
  @Override
  protected EngineModel<?> model() {
    return new GenericEngineModel();
  }
}
