package io.hwledger.bench;

import io.hwledger.api.Deployment;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.math.CapacitySolver;
import io.hwledger.math.ModelCatalog;
import io.hwledger.math.Planner;
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
 * Cost of {@link CapacitySolver#maxContextTokens} on an 80 GiB GPU, against one {@link
 * Planner#plan} of the same workload: the ratio is the solver's cost in plans.
 *
 * <p>Each call asks for the longest context (up to the model's limit) for the next of eight
 * sequence counts from 8 to 64, so the answer falls inside the range and the solver has to search.
 *
 * <p>Run: {@code ./mvnw -B -q -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar CapacitySolverBenchmark -f 1 -wi 3 -w 1 -i 5 -r 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CapacitySolverBenchmark {

  /** Built-in catalog id. */
  @Param({"llama-3.1-8b"})
  public String model;

  private Planner planner;
  private Precision precision;
  private Deployment deployment;
  private Workload[] workloads;
  private long maxTokens;
  private int next;

  /** Compiles the planner and prepares the sequence counts. */
  @Setup
  public void setUp() {
    ModelSpec spec = ModelCatalog.builtIn().spec(model);
    planner = Planner.of(spec);
    precision = spec.defaultPrecision();
    deployment = Inputs.singleGpu();
    maxTokens = spec.contextLimit().orElse(1L << 20);
    workloads = new Workload[Inputs.RING];
    for (int i = 0; i < Inputs.RING; i++) {
      workloads[i] = Workload.of(4096, 8L * (i + 1));
    }
  }

  /** The longest context that fits. */
  @Benchmark
  public OptionalLong maxContextTokens() {
    return CapacitySolver.maxContextTokens(
        planner, precision, workloads[next++ & Inputs.MASK], deployment, maxTokens);
  }

  /** Baseline: one plan of the same workload. */
  @Benchmark
  public MemoryPlan baseline_singlePlan() {
    return planner.plan(precision, workloads[next++ & Inputs.MASK], deployment);
  }
}
