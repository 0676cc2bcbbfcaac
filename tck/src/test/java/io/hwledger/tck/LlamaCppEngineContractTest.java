package io.hwledger.tck;

import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.llamacpp.LlamaCppEngineModel;
import io.hwledger.testsupport.Verifies;

/** The built-in llamacpp engine model keeps the engine contract. */
@Verifies({"FR-ENGINE-002", "FR-ENGINE-007"})
class LlamaCppEngineContractTest extends EngineModelContract {
  @Override
  protected EngineModel<?> model() {
    return new LlamaCppEngineModel();
  }
}
