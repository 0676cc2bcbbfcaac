package io.hwledger.fleet.agent;

import io.hwledger.api.Printable;
import io.hwledger.fleet.protocol.ModelFile;
import io.hwledger.fleet.protocol.ModelInventory;
import io.hwledger.math.local.CheckpointFinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model checkpoints under an agent's model directories, as it reports them: every GGUF file and
 * safetensors directory {@link CheckpointFinder} finds, with the model and weight bytes its headers
 * describe, or the one-line reason they cannot be read.
 *
 * <p>A checkpoint is read again only when its size or modification time changed since the last
 * scan, so a re-probe of an unchanged directory reads no headers. Not thread-safe: one agent thread
 * scans.
 */
final class ModelScanner {
  private static final Logger LOG = LoggerFactory.getLogger(ModelScanner.class);

  /** What a checkpoint was read as, and the file attributes it was read at. */
  private record Read(long size, long modified, ModelFile file) {}

  private final List<Path> directories;
  private Map<String, Read> previous = Map.of();

  /**
   * @param directories absolute directories to search
   */
  ModelScanner(List<Path> directories) {
    this.directories = List.copyOf(directories);
  }

  /**
   * Searches every directory again.
   *
   * @return every checkpoint found, each path once, at most {@value ModelInventory#MAX_FILES}
   */
  List<ModelFile> scan() {
    Map<String, Read> now = new LinkedHashMap<>();
    for (Path dir : directories) {
      List<CheckpointFinder.Found> found;
      try {
        found = CheckpointFinder.find(dir, line -> LOG.warn("model directory {}: {}", dir, line));
      } catch (IOException e) {
        LOG.warn(
            "model directory {} cannot be searched: {}", dir, Printable.oneLine(e.getMessage(), e));
        continue;
      }
      for (CheckpointFinder.Found f : found) {
        String path = f.path().toAbsolutePath().normalize().toString();
        if (now.containsKey(path)) {
          continue;
        }
        if (now.size() == ModelInventory.MAX_FILES) {
          LOG.warn(
              "more than {} model checkpoints under {}: the rest are not reported",
              ModelInventory.MAX_FILES,
              directories);
          return files(now);
        }
        now.put(path, read(path, f));
      }
    }
    previous = new HashMap<>(now);
    return files(now);
  }

  private static List<ModelFile> files(Map<String, Read> reads) {
    List<ModelFile> out = new ArrayList<>();
    reads.values().forEach(r -> out.add(r.file()));
    return out;
  }

  /** The checkpoint as read before when its attributes are unchanged, else read now. */
  private Read read(String path, CheckpointFinder.Found found) {
    long size = -1;
    long modified = -1;
    try {
      BasicFileAttributes a = Files.readAttributes(found.path(), BasicFileAttributes.class);
      size = a.size();
      modified = a.lastModifiedTime().toMillis();
    } catch (IOException e) {
      // reading it says why, in the file's own error
    }
    Read before = previous.get(path);
    if (before != null && before.size() == size && before.modified() == modified && size >= 0) {
      return before;
    }
    String format = found.format().id();
    ModelFile file;
    try {
      CheckpointFinder.LocalModel model = found.read();
      file = ModelFile.read(path, format, model.spec(), model.weights());
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      // a malformed or unsupported checkpoint is reported with its reason, and the scan goes on
      String message = Printable.oneLine(e.getMessage(), e);
      // the report names the path already
      String own = Printable.escape(found.path().toString()) + ": ";
      file =
          ModelFile.unreadable(
              path, format, message.startsWith(own) ? message.substring(own.length()) : message);
      LOG.info("model checkpoint {} cannot be planned: {}", path, file.error());
    }
    return new Read(size, modified, Objects.requireNonNull(file));
  }
}
