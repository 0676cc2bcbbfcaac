package io.hwledger.cli;

import io.hwledger.math.safetensors.SafetensorsReader;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Finds the local checkpoints under a directory: every {@code *.gguf} file, and every directory
 * holding {@code model.safetensors.index.json} or {@code *.safetensors} files (one checkpoint per
 * directory, however many shards). Reads names and file attributes only.
 *
 * <p>The walk follows symbolic links (a Hugging Face cache links every file into {@code blobs/}),
 * stops {@value #MAX_DEPTH} directories below the start, skips a link back to a directory it is
 * already inside, and lists a file or directory reached twice through links once. Files are found
 * by name whatever their type, so a FIFO named {@code x.gguf} is listed with its error.
 */
final class CheckpointFinder {
  /** Directories below the start that are still searched. */
  static final int MAX_DEPTH = 8;

  /** A checkpoint's storage format. */
  enum Format {
    GGUF("gguf"),
    SAFETENSORS("safetensors");

    private final String id;

    Format(String id) {
      this.id = id;
    }

    /** The name used in output and in the {@code plan} option, e.g. {@code gguf}. */
    String id() {
      return id;
    }
  }

  /**
   * A checkpoint found.
   *
   * @param path the {@code .gguf} file or the safetensors directory, as reached from the start
   * @param relative {@code path} relative to the start; empty for the start itself
   * @param format its format
   */
  record Found(Path path, Path relative, Format format) {}

  private CheckpointFinder() {}

  /**
   * The checkpoints under {@code dir}, sorted by relative path.
   *
   * @param warn told, one line each, about files and directories that cannot be read; the walk goes
   *     on past them
   * @throws IOException when {@code dir} itself cannot be listed
   */
  static List<Found> find(Path dir, Consumer<String> warn) throws IOException {
    Map<Path, Format> found = new LinkedHashMap<>();
    Files.walkFileTree(
        dir,
        EnumSet.of(FileVisitOption.FOLLOW_LINKS),
        MAX_DEPTH + 1, // depth 1 is the start's entries
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            // A FIFO, device or dangling link with a checkpoint's name is listed too: reading it
            // refuses it in one line, without opening it, and the listing says why.
            if (attrs.isDirectory()) {
              return FileVisitResult.CONTINUE;
            }
            String name = Objects.toString(file.getFileName(), "").toLowerCase(Locale.ROOT);
            if (name.endsWith(".gguf")) {
              found.put(file, Format.GGUF);
            } else if (name.endsWith(".safetensors") || name.equals(SafetensorsReader.INDEX_FILE)) {
              found.putIfAbsent(file.getParent(), Format.SAFETENSORS);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            if (!(e instanceof FileSystemLoopException)) {
              warn.accept("cannot read " + file + ": " + ErrorHandler.oneLine(e.getMessage(), e));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null && d.equals(dir)) {
              throw e;
            }
            if (e != null) {
              warn.accept("cannot list " + d + ": " + ErrorHandler.oneLine(e.getMessage(), e));
            }
            return FileVisitResult.CONTINUE;
          }
        });
    List<Found> sorted = new ArrayList<>();
    for (Map.Entry<Path, Format> e : found.entrySet()) {
      sorted.add(new Found(e.getKey(), dir.relativize(e.getKey()), e.getValue()));
    }
    sorted.sort(Comparator.comparing(f -> f.relative().toString()));
    List<Found> unique = new ArrayList<>();
    Set<Path> seen = new HashSet<>();
    for (Found f : sorted) {
      if (seen.add(realPath(f.path()))) {
        unique.add(f);
      }
    }
    return List.copyOf(unique);
  }

  /** The path with links resolved, or as it is when that fails (it is then compared as given). */
  private static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path.toAbsolutePath().normalize();
    }
  }
}
