package io.hwledger.tck;

import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.trtllm.TensorRtLlmEngineModel;

/** The built-in trtllm engine model keeps the engine contract. */
class TensorRtLlmEngineContractTest extends EngineModelContract {
  @Override
  protected EngineModel<?> model() {
    return new TensorRtLlmEngineModel();
  }
}
