package io.hwledger.nvidia.jna;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import io.hwledger.nvidia.NvmlLoad;
import io.hwledger.spi.RetryingLookup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the NVML library. Candidates, in order: an explicit path (system property {@value
 * #LIBRARY_PROPERTY}, else environment variable {@value #LIBRARY_ENV}), {@code nvidia-ml} (found
 * through {@code jna.library.path} and the system's library directories), {@code libnvidia-ml.so.1}
 * (the exact soname, found through {@code LD_LIBRARY_PATH}), and {@code nvml} on Windows. Nothing
 * is loaded until {@link #shared()} or {@link #load(List)} is called.
 */
public final class NvmlLoader {

  /** System property naming the library's path. */
  public static final String LIBRARY_PROPERTY = "hwledger.nvml.library";

  /** Environment variable naming the library's path. */
  public static final String LIBRARY_ENV = "HWLEDGER_NVML_LIBRARY";

  private static final Logger log = LoggerFactory.getLogger(NvmlLoader.class);

  private NvmlLoader() {}

  /** The least time between two failed lookups of {@link #shared()}. */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(30);

  private static final RetryingLookup<NvmlLoad> SHARED =
      new RetryingLookup<>(() -> load(defaultCandidates()), l -> l.api().isPresent(), RETRY_AFTER);

  /**
   * The library found with the default candidates: kept for the JVM once found; while it is not,
   * looked up again at most every {@link #RETRY_AFTER}, so a driver installed after start is found
   * without a restart.
   *
   * @return the library, or why none was found
   */
  public static NvmlLoad shared() {
    return SHARED.get();
  }

  /**
   * The default candidates, in lookup order.
   *
   * @return library names or paths as {@code Native.load} takes them, read from the system property
   *     and environment now
   */
  public static List<String> defaultCandidates() {
    List<String> candidates = new ArrayList<>();
    String explicit = System.getProperty(LIBRARY_PROPERTY);
    if (explicit == null || explicit.isBlank()) {
      explicit = System.getenv(LIBRARY_ENV);
    }
    if (explicit != null && !explicit.isBlank()) {
      candidates.add(explicit.strip());
    }
    candidates.add("nvidia-ml");
    candidates.add("libnvidia-ml.so.1");
    if (Platform.isWindows()) {
      candidates.add("nvml");
    }
    return List.copyOf(candidates);
  }

  /**
   * Tries each candidate in turn; never throws for a missing library or a missing JNA.
   *
   * @param candidates library names or paths, in the order to try them
   * @return the first library that loads, or why none did
   */
  public static NvmlLoad load(List<String> candidates) {
    List<String> failures = new ArrayList<>();
    for (String candidate : candidates) {
      try {
        NvmlLibrary library = Native.load(candidate, NvmlLibrary.class);
        log.debug("NVML loaded from {}", candidate);
        return new NvmlLoad(Optional.of(new JnaNvml(library, candidate)), candidate);
      } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
        failures.add(reason(candidate, e.getMessage()));
        log.debug("NVML not loaded from {}", candidate, e);
      }
    }
    return new NvmlLoad(
        Optional.empty(), "NVML library not found (tried " + String.join("; ", failures) + ")");
  }

  /**
   * JNA's message starts "Unable to load library 'x':" and follows with the loader's own errors
   * (one per line, e.g. "libx.so: cannot open shared object file: No such file or directory"); keep
   * the first of those, which is the one that says why.
   */
  private static String reason(String candidate, String message) {
    if (message == null) {
      return candidate + ": not found";
    }
    List<String> lines = message.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    String detail =
        lines.stream()
            .filter(l -> !l.startsWith("Unable to load library"))
            .findFirst()
            .orElse(lines.isEmpty() ? "not found" : lines.get(0));
    return detail.contains(candidate) ? detail : candidate + ": " + detail;
  }
}
