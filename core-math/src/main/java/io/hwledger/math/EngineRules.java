package io.hwledger.math;

import io.hwledger.api.Deployment;
import io.hwledger.api.Engine;
import io.hwledger.api.LlamaCppEngine;
import io.hwledger.api.MlxEngine;
import io.hwledger.api.Precision;
import io.hwledger.api.SglangEngine;
import io.hwledger.api.TensorRtLlmEngine;
import io.hwledger.api.VllmEngine;
import io.hwledger.api.Workload;

/** Sends a plan to the rules of its deployment's engine. */
final class EngineRules {
  private EngineRules() {}

  static EngineResult apply(
      Planner planner, StageLoad[] loads, Precision p, Workload w, Deployment d) {
    Engine engine = d.engine();
    if (engine instanceof VllmEngine) {
      return VllmRules.plan(planner, loads, p, w, d, (VllmEngine) engine);
    }
    if (engine instanceof LlamaCppEngine) {
      return LlamaCppRules.plan(planner, loads, p, w, d, (LlamaCppEngine) engine);
    }
    if (engine instanceof SglangEngine) {
      return SglangRules.plan(planner, loads, p, w, d, (SglangEngine) engine);
    }
    if (engine instanceof TensorRtLlmEngine) {
      return TensorRtLlmRules.plan(planner, loads, p, w, d, (TensorRtLlmEngine) engine);
    }
    if (engine instanceof MlxEngine) {
      return MlxRules.plan(planner, loads, p, w, d, (MlxEngine) engine);
    }
    return planner.genericPlan(loads, w, d, p);
  }

  /** The precision the engine stores its caches in: {@code p}, unless the engine overrides it. */
  static Precision cachePrecision(Precision p, Engine engine) {
    return engine instanceof MlxEngine ? MlxRules.cachePrecision(p, (MlxEngine) engine) : p;
  }

  /** {@code value} rounded up to a multiple of {@code unit}. */
  static long roundUp(long value, long unit) {
    return Math.multiplyExact(WeightTensor.ceilDiv(value, unit), unit);
  }
}
