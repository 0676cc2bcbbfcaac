package io.hwledger.tck;

import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.mlx.MlxEngineModel;

/** The built-in mlx engine model keeps the engine contract. */
class MlxEngineContractTest extends EngineModelContract {
  @Override
  protected EngineModel<?> model() {
    return new MlxEngineModel();
  }
}
