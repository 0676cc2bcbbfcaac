package io.hwledger.tck;

import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.sglang.SglangEngineModel;

/** The built-in sglang engine model keeps the engine contract. */
class SglangEngineContractTest extends EngineModelContract {
  @Override
  protected EngineModel<?> model() {
    return new SglangEngineModel();
  }
}
