package io.hwledger.tck;

import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.trtllm.TensorRtLlmEngineModel;
import io.hwledger.testsupport.Verifies;

/** The built-in trtllm engine model keeps the engine contract. */
@Verifies({"FR-ENGINE-004", "FR-ENGINE-007"})
class TensorRtLlmEngineContractTest extends EngineModelContract {
  @Override
  protected EngineModel<?> model() {
    return new TensorRtLlmEngineModel();
  }
}
