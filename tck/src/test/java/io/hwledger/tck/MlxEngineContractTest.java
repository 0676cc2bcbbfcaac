package io.hwledger.tck;

import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.mlx.MlxEngineModel;
import io.hwledger.testsupport.Verifies;

/** The built-in mlx engine model keeps the engine contract. */
@Verifies({"FR-ENGINE-005", "FR-ENGINE-007"})
class MlxEngineContractTest extends EngineModelContract {
  @Override
  protected EngineModel<?> model() {
    return new MlxEngineModel();
  }
}
