package io.hwledger.tck;

import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.vllm.VllmEngineModel;

/** The built-in vllm engine model keeps the engine contract. */
class VllmEngineContractTest extends EngineModelContract {
  @Override
  protected EngineModel<?> model() {
    return new VllmEngineModel();
  }
}
