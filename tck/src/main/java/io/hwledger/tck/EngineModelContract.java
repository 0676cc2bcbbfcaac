package io.hwledger.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hwledger.api.Attention;
import io.hwledger.api.DType;
import io.hwledger.api.DenseMlp;
import io.hwledger.api.Deployment;
import io.hwledger.api.Engine;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.MemoryBreakdown;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.NormKind;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.math.Planner;
import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.EngineModels;
import io.hwledger.math.engine.EngineSetting;
import io.hwledger.math.engine.LaunchRequest;
import io.hwledger.math.engine.SettingValues;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The contract every engine model keeps, ours and a third party's: extend this class in a test,
 * return the model from {@link #model()}, and the tests below check that it is found by {@link
 * EngineModels} (registered with {@code ServiceLoader}), that its identity and settings are well
 * formed, that bad settings are one-line {@link IllegalArgumentException}s naming the option, that
 * it plans a small dense model through the {@link Planner} into a consistent, deterministic plan
 * whose cache grows with the workload, and that its command line is a command or a one-line
 * refusal.
 *
 * <p>The model planned is a two-layer Llama-shaped decoder (hidden 1,024, 8 query and 2 KV heads of
 * 128, gated MLP of 2,816, vocabulary 32,000) in bf16 on one GPU with an 80 GiB budget: small
 * enough for any engine to fit, shaped like what engines run.
 */
public abstract class EngineModelContract {
  /** For the test class that extends this contract; JUnit constructs it. */
  protected EngineModelContract() {}

  private static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final long BUDGET = 80L << 30;

  /**
   * The engine model under test.
   *
   * @return the model, the same class {@code ServiceLoader} finds
   */
  protected abstract EngineModel<?> model();

  /**
   * A two-layer dense decoder every engine can plan.
   *
   * @return the model described in the class comment, with an 8,192-token context limit
   */
  protected ModelSpec smallModel() {
    LayerSpec layer = new LayerSpec(Attention.full(8, 2, 128), new DenseMlp(2816, true, false), 2);
    return new ModelSpec(
        "tck-dense-2l",
        32_000,
        1024,
        false,
        NormKind.RMS_NORM,
        List.of(layer, layer),
        OptionalLong.of(8192),
        Precision.of(DType.BF16, DType.BF16));
  }

  /**
   * The deployment planned on: one GPU with an 80 GiB budget, this engine at its defaults.
   *
   * @return the deployment; a subclass may override it, e.g. to plan on a catalog GPU
   */
  protected Deployment deployment() {
    return Deployment.singleGpu().withMemoryPerGpu(BUDGET).withEngine(model().defaults());
  }

  @Test
  void isFoundWithServiceLoaderByItsId() {
    EngineModel<?> model = model();
    Optional<EngineModel<?>> found = EngineModels.defaults().find(model.id());
    assertThat(found).as("EngineModels.defaults().find(\"%s\")", model.id()).isPresent();
    assertThat(found.get().getClass()).isEqualTo(model.getClass());
    assertThat(EngineModels.defaults().modelOf(model.defaults()).getClass())
        .isEqualTo(model.getClass());
  }

  @Test
  void identityIsWellFormed() {
    EngineModel<?> model = model();
    assertThat(model.id()).matches(ID);
    assertThat(model.description()).isNotBlank().doesNotContain("\n");
    assertThat(model.defaults()).isInstanceOf(model.settingsType());
    assertThat(model.defaults().id()).isEqualTo(model.id());
    for (String alias : model.aliases()) {
      assertThat(alias).isNotBlank();
      assertThat(EngineModels.defaults().find(alias).map(EngineModel::id)).contains(model.id());
    }
  }

  @Test
  void settingsAreUniqueAndDescribed() {
    Set<String> names = new HashSet<>();
    for (EngineSetting setting : model().settings()) {
      assertThat(names.add(setting.name())).as("setting %s listed twice", setting.name()).isTrue();
      assertThat(setting.description()).isNotBlank().doesNotContain("\n");
      setting.paramLabel().ifPresent(label -> assertThat(label).isNotBlank());
    }
  }

  @Test
  void nothingGivenAndNoGpuIsTheDefaults() {
    EngineModel<?> model = model();
    assertThat(model.configure(SettingValues.none(), Optional.empty())).isEqualTo(model.defaults());
  }

  @Test
  void aMalformedSettingIsAOneLineErrorNamingTheOption() {
    for (EngineSetting setting : model().settings()) {
      if (setting.isFlag()) {
        Engine on =
            model().configure(SettingValues.of(Map.of(setting.name(), "")), Optional.empty());
        assertThat(on).isInstanceOf(model().settingsType());
        continue;
      }
      for (String bad : List.of("", "-1", "not a value", "1e999999")) {
        Throwable t =
            catchThrowable(
                () ->
                    model()
                        .configure(
                            SettingValues.of(Map.of(setting.name(), bad)), Optional.empty()));
        if (t != null) {
          assertThat(t)
              .as("%s=%s", setting.option(), bad)
              .isInstanceOf(IllegalArgumentException.class);
          assertThat(t.getMessage()).contains(setting.option()).doesNotContain("\n");
        }
      }
    }
  }

  @Test
  void plansASmallModelConsistently() {
    ModelSpec spec = smallModel();
    Planner planner = Planner.of(spec);
    Precision precision = spec.defaultPrecision();
    MemoryPlan plan = planner.plan(precision, Workload.of(4096, 4), deployment());
    assertThat(plan.stages()).hasSize(1);
    MemoryBreakdown gpu = plan.perGpu();
    assertThat(gpu.weightsBytes()).isPositive();
    assertThat(gpu.kvCacheBytes()).isNotNegative();
    assertThat(gpu.activationBytes()).isNotNegative();
    assertThat(gpu.overheadBytes()).isNotNegative();
    assertThat(plan.fit()).as("a plan with a budget has a verdict").isPresent();
    assertThat(plan.fit().get().budgetBytes()).isPositive().isLessThanOrEqualTo(BUDGET);
    assertThat(plan.fit().get().fits()).as("a 2-layer model fits 80 GiB").isTrue();
    EnginePlan engine = plan.engine().orElseThrow();
    assertThat(engine.engine()).isEqualTo(model().id());
    assertThat(engine.memoryLimitBytes()).isLessThanOrEqualTo(BUDGET);
    assertThat(engine.maxConcurrency()).isPositive();
    // deterministic: the same request, the same plan
    assertThat(planner.plan(precision, Workload.of(4096, 4), deployment())).isEqualTo(plan);
    // without a budget the engine still plans what each GPU holds
    assertThatCode(
            () ->
                planner.plan(
                    precision,
                    Workload.of(4096, 4),
                    Deployment.singleGpu().withEngine(model().defaults())))
        .doesNotThrowAnyException();
  }

  @Test
  void moreSequencesNeverHoldLessCache() {
    Planner planner = Planner.of(smallModel());
    Precision precision = smallModel().defaultPrecision();
    long previous = -1;
    for (long sequences : List.of(1L, 2L, 8L, 32L)) {
      long kv =
          planner
              .plan(precision, Workload.of(2048, sequences), deployment())
              .perGpu()
              .kvCacheBytes();
      assertThat(kv).as("KV bytes at %d sequences", sequences).isGreaterThanOrEqualTo(previous);
      previous = kv;
    }
  }

  /** The model's own command for its defaults (not the registry's, which may not know it). */
  private static <E extends Engine> List<String> launch(EngineModel<E> model, LaunchRequest r) {
    return model.launch(r, model.defaults());
  }

  @Test
  void launchIsACommandOrAOneLineRefusal() {
    ModelSpec spec = smallModel();
    for (String source : List.of("catalog", "config", "gguf", "safetensors")) {
      LaunchRequest request =
          new LaunchRequest(
              "example-org/tck-dense-2l",
              source,
              spec,
              spec.defaultPrecision(),
              Workload.of(4096, 4),
              deployment());
      try {
        List<String> command = launch(model(), request);
        assertThat(command).as("command from a %s model", source).isNotEmpty();
        assertThat(command).doesNotContainNull();
        assertThat(Collections.frequency(command, "")).isZero();
      } catch (IllegalArgumentException refused) {
        assertThat(refused.getMessage()).isNotBlank().doesNotContain("\n");
      }
    }
  }
}
