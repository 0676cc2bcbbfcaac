package io.hwledger.bench.fleet;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link SshPollLoad} run does.
 *
 * @param targets loopback SSH servers polled, each with its own host key
 * @param concurrency hosts polled at once ({@code SshPolling.concurrency})
 * @param rounds rounds of polls, the first one cold (sessions opened), at least 2
 * @param nvidiaSmi the {@code nvidia-smi} CSV recording every server answers the GPU query with
 * @param roundTimeout the longest the harness waits for one round
 * @param json where to write the report as JSON, or null
 */
record SshPollOptions(
    int targets,
    int concurrency,
    int rounds,
    Path nvidiaSmi,
    Duration roundTimeout,
    @Nullable Path json) {

  /** spi-nvidia's recording of an H100 and an A100 (its README names the source). */
  static final Path DEFAULT_NVIDIA_SMI =
      Path.of("spi-nvidia/src/test/resources/nvidia-smi/h100-a100.csv");

  static final String USAGE =
      String.join(
          "\n",
          "usage: SshPollLoad [options]",
          "  --targets N          loopback SSH servers, each its own host key (default 100)",
          "  --concurrency C      hosts polled at once (default 16)",
          "  --rounds R           rounds of polls, the first one cold, at least 2 (default 10)",
          "  --nvidia-smi FILE    the nvidia-smi recording the servers answer with (default "
              + DEFAULT_NVIDIA_SMI
              + ", from the project's root)",
          "  --round-timeout S    the longest one round may take, seconds (default 300)",
          "  --json FILE          also write the report as JSON");

  SshPollOptions {
    if (targets < 1 || targets > 5000) {
      throw new IllegalArgumentException("targets must be 1 to 5000, was " + targets);
    }
    if (concurrency < 1 || concurrency > 256) {
      throw new IllegalArgumentException("concurrency must be 1 to 256, was " + concurrency);
    }
    if (rounds < 2 || rounds > 1000) {
      throw new IllegalArgumentException("rounds must be 2 to 1000, was " + rounds);
    }
    if (nvidiaSmi == null) {
      throw new IllegalArgumentException("nvidia-smi must name a file");
    }
    if (roundTimeout == null || roundTimeout.isNegative() || roundTimeout.isZero()) {
      throw new IllegalArgumentException("round-timeout must be positive, was " + roundTimeout);
    }
  }

  /**
   * Reads the command line over the defaults.
   *
   * @param args the arguments
   * @return the options
   * @throws IllegalArgumentException naming a bad or unknown option
   */
  static SshPollOptions parse(String... args) {
    int targets = 100;
    int concurrency = 16;
    int rounds = 10;
    Path nvidiaSmi = DEFAULT_NVIDIA_SMI;
    Duration roundTimeout = Duration.ofSeconds(300);
    Path json = null;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + " needs a value\n" + USAGE);
      }
      String v = args[++i];
      switch (name) {
        case "--targets" -> targets = integer(name, v);
        case "--concurrency" -> concurrency = integer(name, v);
        case "--rounds" -> rounds = integer(name, v);
        case "--nvidia-smi" -> nvidiaSmi = Path.of(v);
        case "--round-timeout" -> roundTimeout = Duration.ofSeconds(integer(name, v));
        case "--json" -> json = Path.of(v);
        default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
      }
    }
    return new SshPollOptions(targets, concurrency, rounds, nvidiaSmi, roundTimeout, json);
  }

  private static int integer(String name, String v) {
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, was \"" + v + "\"", e);
    }
  }
}
