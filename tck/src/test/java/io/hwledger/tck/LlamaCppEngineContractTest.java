package io.hwledger.tck;

import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.llamacpp.LlamaCppEngineModel;

/** The built-in llamacpp engine model keeps the engine contract. */
class LlamaCppEngineContractTest extends EngineModelContract {
  @Override
  protected EngineModel<?> model() {
    return new LlamaCppEngineModel();
  }
}
