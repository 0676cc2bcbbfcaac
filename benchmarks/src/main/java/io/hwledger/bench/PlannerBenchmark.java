package io.hwledger.bench;

import io.hwledger.api.Deployment;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.math.ModelCatalog;
import io.hwledger.math.Planner;
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
 * Per-request cost of {@link Planner#plan} (no layer rows) for built-in catalog models, against a
 * baseline that compiles a new planner on every call, as a planner without the compile-once design
 * would.
 *
 * <p>Target: {@code plan} at most 1 µs on average. Each call plans the next of eight contexts (512
 * to 65,536 tokens, four sequences, one 80 GiB GPU) so the JIT cannot fold the result.
 *
 * <p>Run: {@code ./mvnw -B -q -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar PlannerBenchmark -f 1 -wi 3 -w 1 -i 5 -r 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PlannerBenchmark {

  /** Built-in catalog id: a dense GQA model, MLA + MoE, a hybrid linear-attention MoE, gpt-oss. */
  @Param({"llama-3.1-8b", "deepseek-v3", "qwen3-next-80b-a3b-instruct", "gpt-oss-120b"})
  public String model;

  private ModelSpec spec;
  private Planner planner;
  private Precision precision;
  private Deployment deployment;
  private Workload[] workloads;
  private int next;

  /** Compiles the planner once, as an application would. */
  @Setup
  public void setUp() {
    spec = ModelCatalog.builtIn().spec(model);
    planner = Planner.of(spec);
    precision = spec.defaultPrecision();
    deployment = Inputs.singleGpu();
    workloads = Inputs.contextRing(4);
  }

  /** A plan from the compiled planner: the per-request path. */
  @Benchmark
  public MemoryPlan plan() {
    return planner.plan(precision, workloads[next++ & Inputs.MASK], deployment);
  }

  /** Baseline: compile the planner for every request, then plan. */
  @Benchmark
  public MemoryPlan baseline_compileEachCall() {
    return Planner.of(spec).plan(precision, workloads[next++ & Inputs.MASK], deployment);
  }
}
