package io.hwledger.metal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Mac's {@code IOPlatformUUID}, from the output of {@link #COMMAND}, and the Apple GPU identity
 * made from it: a Mac has one GPU whose Metal device exposes no UUID, so {@value AppleSamples#UUID}
 * alone would name every Mac's GPU alike and two Macs in one fleet would be one.
 */
public final class PlatformUuid {
  private static final Logger LOG = LoggerFactory.getLogger(PlatformUuid.class);

  /** The read-only command whose output {@link #parse(String)} reads. */
  public static final List<String> COMMAND =
      List.of("ioreg", "-rd1", "-c", "IOPlatformExpertDevice");

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Pattern LINE =
      Pattern.compile(
          "\"IOPlatformUUID\"\\s*=\\s*\"([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
              + "[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\"");

  private PlatformUuid() {}

  /**
   * The platform UUID in ioreg's output.
   *
   * @param ioregOutput the output of {@link #COMMAND}
   * @return the UUID in lower case; empty if no {@code "IOPlatformUUID"} line holds a UUID (a
   *     redacted or missing one)
   */
  public static Optional<String> parse(String ioregOutput) {
    Objects.requireNonNull(ioregOutput, "ioregOutput");
    Matcher m = LINE.matcher(ioregOutput);
    return m.find() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
  }

  /**
   * The UUID of a Mac's GPU: {@code apple-gpu-<IOPlatformUUID in lower case>}, else {@value
   * AppleSamples#UUID} when the platform UUID is unknown.
   *
   * @param platformUuid the Mac's platform UUID, as {@link #parse(String)} gives it
   * @return the GPU's UUID
   * @throws IllegalArgumentException if {@code platformUuid} is present but not a UUID
   */
  public static String gpuUuid(Optional<String> platformUuid) {
    Objects.requireNonNull(platformUuid, "platformUuid");
    if (platformUuid.isEmpty()) {
      return AppleSamples.UUID;
    }
    String quoted = "\"IOPlatformUUID\" = \"" + platformUuid.get() + "\"";
    return parse(quoted)
        .map(u -> "apple-gpu-" + u)
        .orElseThrow(
            () -> new IllegalArgumentException("not a platform UUID: " + platformUuid.get()));
  }

  /**
   * This Mac's platform UUID, read once by running {@link #COMMAND}; empty (logged) if it fails.
   */
  static Optional<String> read(CommandRunner runner) {
    try {
      return parse(runner.run(COMMAND, TIMEOUT));
    } catch (IOException e) {
      LOG.debug("ioreg gave no IOPlatformUUID: {}", e.getMessage());
      return Optional.empty();
    }
  }
}
