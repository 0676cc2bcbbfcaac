package io.hwledger.cli;

import io.hwledger.api.Engine;
import io.hwledger.api.GenericEngine;
import io.hwledger.api.GpuSpec;
import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.EngineModels;
import io.hwledger.math.engine.EngineSetting;
import io.hwledger.math.engine.SettingValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --engine} and each engine's settings, offered as {@code --NAME} options named as the
 * engine names them; shared by {@code plan} and {@code export}. The options come from the engine
 * models on the class path ({@link EngineModels}), so a third-party engine appears here without a
 * change to the command line. A setting of another engine than the chosen one is an error.
 */
final class EngineOptions {
  private final EngineModels engines;

  /** The label of a setting that is a byte size, which must be given with a unit. */
  private static final String BYTES = "BYTES";

  /** Each setting's option, in the engines' order, with the engines that have it. */
  private final Map<String, List<String>> owners = new LinkedHashMap<>();

  private final Map<String, String> given = new LinkedHashMap<>();
  private String engine;
  private CommandSpec command;

  EngineOptions(EngineModels engines) {
    this.engines = engines;
  }

  /** Adds {@code --engine} and one option per engine setting to {@code spec}. */
  void addTo(CommandSpec spec) {
    command = spec;
    spec.addOption(
        OptionSpec.builder("--engine")
            .paramLabel("NAME")
            .type(String.class)
            .description(
                engineList()
                    + ": plan memory the way that engine allocates it (see"
                    + " docs/cli-reference.md).")
            .setter(setter(value -> engine = (String) value))
            .build());
    Map<String, EngineSetting> firsts = new LinkedHashMap<>();
    for (EngineModel<?> model : engines.all()) {
      for (EngineSetting setting : model.settings()) {
        firsts.putIfAbsent(setting.name(), setting);
        owners.computeIfAbsent(setting.name(), n -> new ArrayList<>()).add(model.id());
      }
    }
    for (EngineSetting setting : firsts.values()) {
      String name = setting.name();
      OptionSpec.Builder option =
          OptionSpec.builder(setting.option())
              .description(String.join("/", owners.get(name)) + ": " + setting.description())
              .setter(setter(value -> record(setting, value)));
      if (setting.isFlag()) {
        option.arity("0").type(boolean.class);
      } else {
        option.arity("1").type(String.class).paramLabel(setting.paramLabel().get());
      }
      spec.addOption(option.build());
    }
  }

  /**
   * Keeps what the user gave; picocli also sets every option to its initial value (null, false)
   * before parsing, which is not a setting given.
   */
  private void record(EngineSetting setting, Object value) {
    if (value == null || Boolean.FALSE.equals(value)) {
      given.remove(setting.name());
    } else {
      given.put(setting.name(), setting.isFlag() ? "" : (String) value);
    }
  }

  /** {@code generic (default), vllm, … or mlx}. */
  private String engineList() {
    List<String> ids = new ArrayList<>(engines.ids());
    ids.replaceAll(id -> id.equals(GenericEngine.ID) ? id + " (default)" : id);
    String last = ids.remove(ids.size() - 1);
    return ids.isEmpty() ? last : String.join(", ", ids) + " or " + last;
  }

  /**
   * The chosen engine's model.
   *
   * @throws IllegalArgumentException suggesting close engine ids when {@code --engine} names none
   */
  EngineModel<?> model() {
    String name = engine == null ? GenericEngine.ID : engine;
    return engines
        .find(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    Usage.unknownEngine(
                        "--engine", name, engines, command.qualifiedName() + " --help")));
  }

  /**
   * The engine with its settings.
   *
   * @param gpu the GPU planned for, which some defaults depend on
   * @throws IllegalArgumentException naming an option that is malformed or belongs to another
   *     engine, or a byte size without a unit ({@link Units#bytes})
   */
  Engine resolve(Optional<GpuSpec> gpu) {
    EngineModel<?> model = model();
    Map<String, String> mine = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> owner : owners.entrySet()) {
      String name = owner.getKey();
      if (!given.containsKey(name)) {
        continue;
      }
      if (!owner.getValue().contains(model.id())) {
        throw new IllegalArgumentException(
            "--"
                + name
                + " is a "
                + String.join("/", owner.getValue())
                + " setting (--engine is "
                + model.id()
                + ")");
      }
      String value = given.get(name);
      if (isByteSize(model, name)) {
        // The engines read sizes with Sizes, where a plain number is bytes; here a unit is needed.
        value = Long.toString(Units.bytes("--" + name, value));
      }
      mine.put(name, value);
    }
    return model.configure(SettingValues.of(mine), gpu);
  }

  /** Whether {@code model}'s setting {@code name} is a byte size. */
  private static boolean isByteSize(EngineModel<?> model, String name) {
    return model.settings().stream()
        .anyMatch(s -> s.name().equals(name) && s.paramLabel().orElse("").equals(BYTES));
  }

  private static ISetter setter(java.util.function.Consumer<Object> store) {
    return new ISetter() {
      @Override
      @SuppressWarnings("unchecked")
      public <T> T set(T value) {
        store.accept(value);
        return null;
      }
    };
  }
}
