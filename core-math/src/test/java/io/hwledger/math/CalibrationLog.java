package io.hwledger.math;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The figures a calibration test computes (predicted against published, error per row), written to
 * {@code target/calibration/<test class>.txt} for a maintainer to read, not to the build log.
 */
final class CalibrationLog {
  private static final Path DIRECTORY = Path.of("target", "calibration");
  private static final Set<Class<?>> STARTED = new HashSet<>();

  private CalibrationLog() {}

  /** Appends one formatted line (Locale.ROOT) to the test class's file, new for each test run. */
  static synchronized void printf(Class<?> test, String format, Object... args) {
    Path file = DIRECTORY.resolve(test.getSimpleName() + ".txt");
    try {
      Files.createDirectories(DIRECTORY);
      Files.writeString(
          file,
          String.format(Locale.ROOT, format, args),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          STARTED.add(test) ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
