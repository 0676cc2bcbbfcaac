package io.hwledger.tck;

import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.vllm.VllmEngineModel;
import io.hwledger.testsupport.Verifies;

/** The built-in vllm engine model keeps the engine contract. */
@Verifies({"FR-ENGINE-001", "FR-ENGINE-007"})
class VllmEngineContractTest extends EngineModelContract {
  @Override
  protected EngineModel<?> model() {
    return new VllmEngineModel();
  }
}
