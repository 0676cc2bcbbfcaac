package io.hwledger.tck;

import io.hwledger.api.Engine;
import io.hwledger.api.GpuSpec;
import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.EngineResult;
import io.hwledger.math.engine.EngineSetting;
import io.hwledger.math.engine.LaunchRequest;
import io.hwledger.math.engine.PlanInput;
import io.hwledger.math.engine.SettingValues;
import java.util.List;
import java.util.Optional;

/**
 * An engine model that breaks the contract on purpose, for {@link EngineContractCanFailTest}: not
 * registered with ServiceLoader, an id that is not lower-case, a setting listed twice, a bad value
 * that throws a {@link NullPointerException}, and a command with an empty argument. Not a test
 * itself (its name does not end in Test).
 */
final class BrokenEngineFixtures {
  private BrokenEngineFixtures() {}

  /** The broken model's settings. */
  record BrokenEngine(int blocks) implements Engine {
    @Override
    public String id() {
      return "Broken_Engine";
    }
  }

  /** Breaks the contract in every way the TCK checks. */
  static final class BrokenModel implements EngineModel<BrokenEngine> {
    @Override
    public String id() {
      return "Broken_Engine";
    }

    @Override
    public String description() {
      return "two\nlines";
    }

    @Override
    public Class<BrokenEngine> settingsType() {
      return BrokenEngine.class;
    }

    @Override
    public List<EngineSetting> settings() {
      return List.of(
          EngineSetting.value("blocks", "N", "blocks."),
          EngineSetting.value("blocks", "N", "blocks again."));
    }

    @Override
    public BrokenEngine defaults() {
      return new BrokenEngine(1);
    }

    @Override
    public BrokenEngine configure(SettingValues values, Optional<GpuSpec> gpu) {
      // a NumberFormatException that does not name the option
      return new BrokenEngine(Integer.parseInt(values.text("blocks").orElse("1").trim()));
    }

    @Override
    public EngineResult plan(PlanInput input, BrokenEngine engine) {
      throw new IllegalStateException("not a planner");
    }

    @Override
    public List<String> launch(LaunchRequest request, BrokenEngine engine) {
      return List.of("broken-serve", "");
    }
  }

  /** The contract run against {@link BrokenModel}. */
  static final class Broken extends EngineModelContract {
    @Override
    protected EngineModel<?> model() {
      return new BrokenModel();
    }
  }
}
