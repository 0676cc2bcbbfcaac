package io.hwledger.math.local;

import io.hwledger.api.ModelSpec;
import io.hwledger.api.Printable;
import io.hwledger.math.CheckpointWeights;
import io.hwledger.math.gguf.GgufFile;
import io.hwledger.math.gguf.GgufReader;
import io.hwledger.math.safetensors.SafetensorsCheckpoint;
import io.hwledger.math.safetensors.SafetensorsReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
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
 *
 * <p>Used by {@code hwledger models --dir} and by fleet agents reporting the models on their host.
 * Stateless and thread-safe.
 */
public final class CheckpointFinder {
  /** Directories below the start that are still searched. */
  public static final int MAX_DEPTH = 8;

  /** A checkpoint's storage format. */
  public enum Format {
    /** A {@code .gguf} file. */
    GGUF("gguf"),
    /** A directory of {@code .safetensors} shards (with {@code config.json}). */
    SAFETENSORS("safetensors");

    private final String id;

    Format(String id) {
      this.id = id;
    }

    /**
     * The name used in output and in the {@code plan} option.
     *
     * @return {@code gguf} or {@code safetensors}
     */
    public String id() {
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
  public record Found(Path path, Path relative, Format format) {
    /**
     * Validates.
     *
     * @param path the checkpoint
     * @param relative its path from the start
     * @param format its format
     */
    public Found {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(relative, "relative");
      Objects.requireNonNull(format, "format");
    }

    /**
     * What the reader opens: the {@code .gguf} file; for a safetensors directory, the directory
     * when it holds the shard index or {@code model.safetensors} (the reader picks), else its only
     * {@code .safetensors} file. Entries are taken whatever their type: the reader refuses a FIFO
     * or device by name, without opening it.
     *
     * @return the path to read
     * @throws IllegalArgumentException when a directory holds several other shards and no index
     * @throws UncheckedIOException when the directory cannot be listed
     */
    public Path readPath() {
      return format == Format.GGUF ? path : safetensorsPath(path);
    }

    /**
     * Reads the checkpoint's headers (no tensor data) into the model they describe and the bytes
     * its tensors store.
     *
     * @return the model and its weight bytes
     * @throws IllegalArgumentException in one line when the checkpoint is malformed or its model is
     *     not supported
     * @throws UncheckedIOException when it cannot be read
     */
    public LocalModel read() {
      if (format == Format.GGUF) {
        GgufFile file = GgufReader.read(path);
        return new LocalModel(file.modelSpec(), file.checkpointWeights());
      }
      SafetensorsCheckpoint checkpoint = SafetensorsReader.read(readPath());
      return new LocalModel(checkpoint.modelSpec(), checkpoint.checkpointWeights());
    }
  }

  /**
   * What a checkpoint's headers describe: what {@code Planner.of(spec, weights)} plans.
   *
   * @param spec the model
   * @param weights the bytes its tensors store
   */
  public record LocalModel(ModelSpec spec, CheckpointWeights weights) {
    /**
     * Validates.
     *
     * @param spec the model
     * @param weights its weight bytes
     */
    public LocalModel {
      Objects.requireNonNull(spec, "spec");
      Objects.requireNonNull(weights, "weights");
    }
  }

  private CheckpointFinder() {}

  /**
   * The checkpoints under {@code dir}, sorted by relative path.
   *
   * @param dir the directory to search
   * @param warn told, one line each, about files and directories that cannot be read; the walk goes
   *     on past them
   * @return each checkpoint once, links resolved to tell them apart
   * @throws IOException when {@code dir} itself cannot be listed
   */
  public static List<Found> find(Path dir, Consumer<String> warn) throws IOException {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(warn, "warn");
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
              warn.accept("cannot read " + file + ": " + Printable.oneLine(e.getMessage(), e));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null && d.equals(dir)) {
              throw e;
            }
            if (e != null) {
              warn.accept("cannot list " + d + ": " + Printable.oneLine(e.getMessage(), e));
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

  private static Path safetensorsPath(Path dir) {
    if (Files.exists(dir.resolve(SafetensorsReader.INDEX_FILE))
        || Files.exists(dir.resolve(SafetensorsReader.SINGLE_FILE))) {
      return dir;
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = Objects.toString(entry.getFileName(), "").toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors") && !Files.isDirectory(entry)) {
          files.add(entry);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (files.size() != 1) {
      throw new IllegalArgumentException(
          dir
              + ": "
              + files.size()
              + " .safetensors files and no "
              + SafetensorsReader.INDEX_FILE
              + " to say how they fit together");
    }
    return files.get(0);
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
