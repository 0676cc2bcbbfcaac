package io.hwledger.metal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Operating-system checks shared by the Apple providers. */
final class Platforms {

  private Platforms() {}

  /** Whether {@code osName} (the {@code os.name} property) is macOS. */
  static boolean isMac(String osName) {
    return osName.startsWith("Mac") || osName.startsWith("Darwin");
  }

  /** An executable named {@code tool} on {@code path} (a {@code PATH}-style list), if any. */
  static Optional<Path> which(String tool, String path) {
    for (String dir : path.split(File.pathSeparator, -1)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, tool);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
