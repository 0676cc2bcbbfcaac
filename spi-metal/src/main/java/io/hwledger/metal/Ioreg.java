package io.hwledger.metal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads IOAccelerator properties by running {@code ioreg} (present on every Mac) and parsing its
 * text with {@link IoregParser}: one process spawn per read, in exchange for no IOKit /
 * CoreFoundation dictionary walking in native code.
 */
final class Ioreg {
  private static final Logger LOG = LoggerFactory.getLogger(Ioreg.class);

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private Ioreg() {}

  /**
   * The first accelerator that reports {@code PerformanceStatistics}, else the first one; empty
   * (logged at debug) if ioreg fails or its output cannot be parsed.
   */
  static Optional<IoregAccelerator> read(CommandRunner runner) {
    try {
      List<IoregAccelerator> all = IoregParser.parse(runner.run(IoregParser.COMMAND, TIMEOUT));
      return all.stream()
          .filter(a -> a.statistics().isPresent())
          .findFirst()
          .or(() -> all.stream().findFirst());
    } catch (IOException | IllegalArgumentException e) {
      LOG.debug("ioreg gave no IOAccelerator statistics: {}", e.getMessage());
      return Optional.empty();
    }
  }
}
