package io.hwledger.rocm.jna;

import com.sun.jna.Native;
import io.hwledger.rocm.RocmSmiApi;
import io.hwledger.spi.RetryingLookup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and loads the ROCm SMI library, lazily; kept once found, looked up again at most every
 * {@link #RETRY_AFTER} while it is not (a driver installed after start). Lookup order: the explicit
 * path in system property {@value #LIBRARY_PROPERTY} or environment variable {@value #LIBRARY_ENV};
 * then {@code rocm_smi64} (through {@code jna.library.path} and the system linker); then the
 * sonames {@code librocm_smi64.so.7} (ROCm 6.1 and later), {@code .so.6}, {@code .so.5} (ROCm 5.x).
 */
public final class RocmSmiLoader {
  /** System property naming the library's path. */
  public static final String LIBRARY_PROPERTY = "hwledger.rocm.library";

  /** Environment variable naming the library's path. */
  public static final String LIBRARY_ENV = "HWLEDGER_ROCM_SMI_LIBRARY";

  private static final List<String> DEFAULT_NAMES =
      List.of("rocm_smi64", "librocm_smi64.so.7", "librocm_smi64.so.6", "librocm_smi64.so.5");

  private static final Logger LOG = LoggerFactory.getLogger(RocmSmiLoader.class);

  private RocmSmiLoader() {}

  /**
   * The outcome of the lookup.
   *
   * @param library the loaded library, if one was found
   * @param description the name it was loaded by, else why none loaded (naming every candidate)
   */
  public record Loaded(Optional<RocmSmiApi> library, String description) {}

  /** The least time between two failed lookups of {@link #get()}. */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(30);

  private static final RetryingLookup<Loaded> LOADED =
      new RetryingLookup<>(() -> load(candidates()), l -> l.library().isPresent(), RETRY_AFTER);

  /**
   * The library of the configured lookup order: loaded on first call and kept once found; while it
   * is not, looked up again at most every {@link #RETRY_AFTER}.
   *
   * @return the library, or why none loaded
   */
  public static Loaded get() {
    return LOADED.get();
  }

  /**
   * The names tried, in order, for the current configuration.
   *
   * @return library names or paths as {@code Native.load} takes them, read from the system property
   *     and environment now
   */
  public static List<String> candidates() {
    List<String> names = new ArrayList<>();
    String explicit = System.getProperty(LIBRARY_PROPERTY);
    if (explicit == null || explicit.isBlank()) {
      explicit = System.getenv(LIBRARY_ENV);
    }
    if (explicit != null && !explicit.isBlank()) {
      names.add(explicit.trim());
    }
    names.addAll(DEFAULT_NAMES);
    return names;
  }

  /**
   * Tries {@code names} in order; never throws.
   *
   * @param names library names or paths, in the order to try them
   * @return the first library that loads, or why none did
   */
  public static Loaded load(List<String> names) {
    List<String> failures = new ArrayList<>();
    for (String name : names) {
      try {
        RocmSmiLibrary lib = Native.load(name, RocmSmiLibrary.class);
        LOG.debug("loaded ROCm SMI library {}", name);
        return new Loaded(Optional.of(new JnaRocmSmi(lib)), name);
      } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
        LOG.debug("ROCm SMI library {} not loaded: {}", name, e.getMessage());
        failures.add(name);
      }
    }
    return new Loaded(Optional.empty(), "ROCm SMI library not found (tried " + failures + ")");
  }
}
