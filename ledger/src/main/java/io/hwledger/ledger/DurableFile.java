package io.hwledger.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a small file so that after a crash it holds either the old content or the new, never a
 * mix or nothing: the new bytes go to a temporary file beside it, are forced to disk, renamed over
 * the file atomically, and the directory is forced so the rename itself survives.
 */
final class DurableFile {
  private DurableFile() {}

  /** Replaces {@code file} with the remaining bytes of {@code content}. */
  static void replace(Path file, ByteBuffer content) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel c =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      while (content.hasRemaining()) {
        c.write(content);
      }
      c.force(true);
    }
    Files.move(
        temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Path directory = file.toAbsolutePath().getParent();
    if (directory != null) { // null only for a file system root, which is no file
      SegmentLog.forceDirectory(directory);
    }
  }
}
