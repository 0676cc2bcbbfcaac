/**
 * The engine SPI: {@link io.hwledger.math.engine.EngineModel} (an engine's settings, memory rules
 * and launch line), {@link io.hwledger.math.engine.EngineModels} (found with {@link
 * java.util.ServiceLoader}), and what the planner hands an engine: {@link
 * io.hwledger.math.engine.PlanInput} with one {@link io.hwledger.math.engine.StageInput} per
 * pipeline stage. Each built-in engine is a subpackage; a third party adds one by implementing
 * {@code EngineModel} (see {@code docs/adr/0012-engine-spi-and-module-layout.md}).
 */
package io.hwledger.math.engine;
