package io.hwledger.tck;

import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.sglang.SglangEngineModel;
import io.hwledger.testsupport.Verifies;

/** The built-in sglang engine model keeps the engine contract. */
@Verifies({"FR-ENGINE-003", "FR-ENGINE-007"})
class SglangEngineContractTest extends EngineModelContract {
  @Override
  protected EngineModel<?> model() {
    return new SglangEngineModel();
  }
}
