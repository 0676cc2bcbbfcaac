package io.hwledger.api;

/**
 * An inference engine and the settings that decide how it budgets GPU memory: what a {@link
 * Deployment} runs on. The planner finds the engine's memory model by {@link #id()} among the
 * engine models on the class path (module path) and plans the way that engine allocates ({@link
 * EnginePlan}).
 *
 * <p>This package holds only the engine-neutral parts: this interface and {@link GenericEngine},
 * the engine-less default. Each engine's settings type lives with its memory model (the built-in
 * ones in {@code hwledger-core-math}, {@code io.hwledger.math.engine.*}); a third party adds an
 * engine by implementing both and registering the model with {@code ServiceLoader}.
 *
 * <p>Implementations are immutable values whose constructors validate their settings.
 */
public interface Engine {

  /**
   * The engine's identifier: lower-case letters, digits and {@code -}, e.g. {@code vllm}; the
   * {@code --engine} value and the JSON {@code "engine"} name of its plans.
   *
   * @return the identifier, never blank
   */
  String id();

  /**
   * The engine-less default: caches sized exactly for the workload ({@link GenericEngine}).
   *
   * @return the shared {@link GenericEngine} instance
   */
  static Engine generic() {
    return GenericEngine.INSTANCE;
  }
}
