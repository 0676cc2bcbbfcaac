package io.hwledger.nvidia;

import io.hwledger.spi.Availability;
import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.Vendor;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code nvidia-smi} fallback ({@code nvidia-smi}, priority 10): spawns the tool for every
 * sample, for hosts where only the tool is usable. The tool is the path in system property {@value
 * #PATH_PROPERTY}, else {@code nvidia-smi} on {@code PATH}; each run is killed after a timeout (5 s
 * by default). Memory comes as MiB, and {@code memory.used} is reported as including
 * driver-reserved memory; clocks and processes are not queried.
 */
public final class NvidiaSmiBackendProvider implements GpuBackendProvider {

  /** This provider's id. */
  public static final String ID = "nvidia-smi";

  /** System property naming the tool's path. */
  public static final String PATH_PROPERTY = "hwledger.nvidia-smi.path";

  private static final Logger log = LoggerFactory.getLogger(NvidiaSmiBackendProvider.class);
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private final Supplier<Optional<Path>> tool;
  private final Duration timeout;

  /** The provider {@link java.util.ServiceLoader} creates; runs nothing. */
  public NvidiaSmiBackendProvider() {
    this(NvidiaSmiBackendProvider::findTool, DEFAULT_TIMEOUT);
  }

  /**
   * A provider running the tool {@code tool} finds, killed after {@code timeout}.
   *
   * @param tool finds the {@code nvidia-smi} executable, or nothing; called on each availability
   *     check and open
   * @param timeout how long one run of the tool may take, positive
   * @throws IllegalArgumentException if {@code timeout} is zero or negative
   */
  public NvidiaSmiBackendProvider(Supplier<Optional<Path>> tool, Duration timeout) {
    this.tool = Objects.requireNonNull(tool, "tool");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
  }

  /** The tool from {@value #PATH_PROPERTY}, else the first {@code nvidia-smi} on {@code PATH}. */
  static Optional<Path> findTool() {
    String explicit = System.getProperty(PATH_PROPERTY);
    if (explicit != null && !explicit.isBlank()) {
      return Optional.of(Path.of(explicit.strip()));
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
    String executable = windows ? "nvidia-smi.exe" : "nvidia-smi";
    for (String dir : path.split(Pattern.quote(File.pathSeparator), -1)) {
      if (dir.isBlank()) {
        continue;
      }
      Path candidate = Path.of(dir, executable);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public Vendor vendor() {
    return Vendor.NVIDIA;
  }

  /** Runs the tool once; never throws. */
  @Override
  public Availability isAvailable() {
    try {
      Optional<Path> path = tool.get();
      if (path.isEmpty()) {
        return Availability.unavailable("nvidia-smi not found on PATH (or " + PATH_PROPERTY + ")");
      }
      List<NvidiaSmiCsv.Row> rows = NvidiaSmiCsv.parse(run(path.get(), timeout));
      if (rows.isEmpty()) {
        return Availability.unavailable(path.get() + " reports no NVIDIA GPU");
      }
      return Availability.available(
          path.get() + ": " + rows.size() + (rows.size() == 1 ? " GPU" : " GPUs"));
    } catch (RuntimeException e) {
      log.debug("nvidia-smi unavailable", e);
      return Availability.unavailable(String.valueOf(e.getMessage()));
    }
  }

  @Override
  public GpuBackend open(Clock clock) {
    Objects.requireNonNull(clock, "clock");
    Path path =
        tool.get()
            .orElseThrow(
                () ->
                    new BackendException(
                        BackendException.Kind.UNAVAILABLE,
                        "nvidia-smi not found on PATH (or " + PATH_PROPERTY + ")"));
    return NvidiaSmiBackend.open(() -> run(path, timeout), clock);
  }

  /**
   * Runs the query and returns its standard output.
   *
   * @throws BackendException UNAVAILABLE if the tool cannot start or exits non-zero (it prints,
   *     e.g., "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver"),
   *     FAILED on timeout
   */
  static String run(Path tool, Duration timeout) {
    Path output = null;
    Process process = null;
    try {
      output = Files.createTempFile("hwledger-nvidia-smi", ".csv");
      process =
          new ProcessBuilder(
                  tool.toString(),
                  "--query-gpu=" + NvidiaSmiCsv.QUERY,
                  "--format=csv,noheader,nounits")
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File(nullDevice())))
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new BackendException(
            BackendException.Kind.FAILED, tool + " did not finish within " + timeout);
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        String first = text.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
        throw new BackendException(
            BackendException.Kind.UNAVAILABLE,
            tool + " exited with " + process.exitValue() + (first.isEmpty() ? "" : ": " + first));
      }
      return text;
    } catch (IOException e) {
      throw new BackendException(
          BackendException.Kind.UNAVAILABLE, "cannot run " + tool + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendException(
          BackendException.Kind.FAILED, "interrupted while running " + tool, e);
    } finally {
      if (process != null && process.isAlive()) {
        process.destroyForcibly();
      }
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException e) {
          log.debug("cannot delete {}", output, e);
        }
      }
    }
  }

  private static String nullDevice() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")
        ? "NUL"
        : "/dev/null";
  }
}
