package io.hwledger.bench;

import io.hwledger.api.Attention;
import io.hwledger.api.DType;
import io.hwledger.api.DenseMlp;
import io.hwledger.api.Deployment;
import io.hwledger.api.GatedDeltaNet;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.MoeMlp;
import io.hwledger.api.NormKind;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.math.Planner;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of {@link Planner#planWithLayers}, which adds one row per layer, on hand-built models of
 * {@code layers} layers, against {@link Planner#plan} on the same planner (the rows' share of the
 * cost).
 *
 * <p>Target: {@code planWithLayers} at most 10 µs for 128 layers. Shapes: {@code llama}, Llama 3.1
 * 405B's layer (GQA 128/8 heads of 128, SwiGLU 53,248) repeated; {@code hybrid}, Qwen3-Next's
 * pattern (three gated DeltaNet layers, then one gated full-attention layer, each with a 512-expert
 * MoE) repeated.
 *
 * <p>Run: {@code ./mvnw -B -q -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar LayerRowsBenchmark -f 1 -wi 3 -w 1 -i 5 -r 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LayerRowsBenchmark {

  /** Decoder layers of the hand-built model. */
  @Param({"128"})
  public int layers;

  /** Layer structure: {@code llama} (one kind of layer) or {@code hybrid} (two kinds). */
  @Param({"llama", "hybrid"})
  public String shape;

  private Planner planner;
  private Precision precision;
  private Deployment deployment;
  private Workload[] workloads;
  private int next;

  /** Builds the model and compiles its planner. */
  @Setup
  public void setUp() {
    ModelSpec spec = "hybrid".equals(shape) ? hybrid(layers) : llama(layers);
    planner = Planner.of(spec);
    precision = spec.defaultPrecision();
    deployment = Inputs.singleGpu();
    workloads = Inputs.contextRing(4);
  }

  /** A plan with one row per layer. */
  @Benchmark
  public MemoryPlan planWithLayers() {
    return planner.planWithLayers(precision, workloads[next++ & Inputs.MASK], deployment);
  }

  /** Baseline: the same plan without layer rows. */
  @Benchmark
  public MemoryPlan baseline_planWithoutRows() {
    return planner.plan(precision, workloads[next++ & Inputs.MASK], deployment);
  }

  private static ModelSpec llama(int layers) {
    LayerSpec layer =
        new LayerSpec(Attention.full(128, 8, 128), new DenseMlp(53248, true, false), 2);
    return model("llama-style-" + layers, 128256, 16384, List.of(layer), layers);
  }

  private static ModelSpec hybrid(int layers) {
    MoeMlp moe = new MoeMlp(512, 10, 512, 512, true, false, false, true);
    LayerSpec linear = new LayerSpec(new GatedDeltaNet(16, 32, 128, 128, 4), moe, 2);
    LayerSpec attention =
        new LayerSpec(
            new Attention(16, 2, 256, 256, OptionalLong.empty(), false, false, true, true, false),
            moe,
            2);
    return model(
        "hybrid-" + layers, 151936, 2048, List.of(linear, linear, linear, attention), layers);
  }

  private static ModelSpec model(
      String name, int vocab, int hidden, List<LayerSpec> pattern, int layers) {
    List<LayerSpec> all = new ArrayList<>(layers);
    for (int i = 0; i < layers; i++) {
      all.add(pattern.get(i % pattern.size()));
    }
    return new ModelSpec(
        name,
        vocab,
        hidden,
        false,
        NormKind.RMS_NORM,
        all,
        OptionalLong.of(131072),
        Precision.of(DType.BF16, DType.BF16));
  }
}
