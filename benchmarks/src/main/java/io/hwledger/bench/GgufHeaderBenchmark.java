package io.hwledger.bench;

import io.hwledger.math.gguf.GgufFile;
import io.hwledger.math.gguf.GgufReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time to read the header of a Llama-3-8B-shaped GGUF file ({@link GgufFixture}: 128,256 tokens,
 * their types, 280,147 merges, and {@code tensors} tensor infos) with {@link
 * GgufReader#read(Path)}, against reading the same header bytes into a buffer (the I/O floor). The
 * Node.js baseline, {@code @huggingface/gguf} on the same file, runs in the same session from
 * {@code benchmarks/gguf-bench.sh}.
 *
 * <p>Target (issue 5): a 1,000-tensor header at least as fast as {@code @huggingface/gguf}.
 *
 * <p>Run: {@code benchmarks/gguf-bench.sh}, or {@code java -jar benchmarks/target/benchmarks.jar
 * GgufHeaderBenchmark -f 1 -wi 5 -w 1 -i 5 -r 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class GgufHeaderBenchmark {
  /** Tensor infos in the file. */
  @Param({"1000", "5000"})
  public int tensors;

  private Path dir;
  private Path file;
  private ByteBuffer headerBuffer;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("gguf-bench");
    file = dir.resolve("llama3-" + tensors + ".gguf");
    GgufFixture.write(file, tensors);
    GgufFile f = GgufReader.read(file);
    headerBuffer = ByteBuffer.allocateDirect(Math.toIntExact(f.dataOffset()));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(file);
    Files.deleteIfExists(dir);
  }

  @Benchmark
  public GgufFile readHeader() {
    return GgufReader.read(file);
  }

  @Benchmark
  public int baseline_readHeaderBytes() throws IOException {
    headerBuffer.clear();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (headerBuffer.hasRemaining() && ch.read(headerBuffer) >= 0) {
        // read until the header is in
      }
    }
    return headerBuffer.position();
  }
}
