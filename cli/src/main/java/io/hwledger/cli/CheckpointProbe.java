package io.hwledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.api.ModelConfigException;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Printable;
import io.hwledger.math.CheckpointWeights;
import io.hwledger.math.HfConfigReader;
import io.hwledger.math.StrictJson;
import io.hwledger.math.gguf.GgufFile;
import io.hwledger.math.gguf.GgufReader;
import io.hwledger.math.local.CheckpointFinder;
import io.hwledger.math.safetensors.SafetensorsCheckpoint;
import io.hwledger.math.safetensors.SafetensorsReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads one found checkpoint's headers into a {@link LocalCheckpoint}: whatever can be read is
 * filled in, and the first failure becomes its one-line error, so one bad checkpoint never stops a
 * scan. Stateless.
 */
final class CheckpointProbe {
  private static final String CONFIG_FILE = "config.json";

  private CheckpointProbe() {}

  /**
   * Reads {@code found}; never throws. Any failure, a bug's unexpected exception or running out of
   * memory included, becomes the checkpoint's error: the readers bound what they allocate, and
   * should one still run out, what it allocated is unreachable once it has failed, so the scan can
   * go on with the next file.
   */
  static LocalCheckpoint read(CheckpointFinder.Found found) {
    try {
      return found.format() == CheckpointFinder.Format.GGUF ? gguf(found) : safetensors(found);
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      return failed(found, e);
    }
  }

  /** {@code found} listed with the failure {@code e} and nothing read. */
  static LocalCheckpoint failed(CheckpointFinder.Found found, Throwable e) {
    return new Facts(found).failed(e);
  }

  /** What is known so far of one checkpoint. */
  private static final class Facts {
    final CheckpointFinder.Found found;
    Path planPath;
    Optional<String> architecture = Optional.empty();
    OptionalLong parameters = OptionalLong.empty();
    OptionalLong bytes = OptionalLong.empty();
    Optional<String> fileType = Optional.empty();
    OptionalLong layers = OptionalLong.empty();
    OptionalLong contextLimit = OptionalLong.empty();

    Facts(CheckpointFinder.Found found) {
      this.found = found;
      this.planPath = found.path();
    }

    /** The spec's layers and context limit. */
    void spec(ModelSpec spec) {
      layers = OptionalLong.of(spec.layerCount());
      contextLimit = spec.contextLimit();
    }

    LocalCheckpoint result(Optional<String> error) {
      return new LocalCheckpoint(
          found.relative(),
          found.format(),
          planPath,
          architecture,
          parameters,
          bytes,
          fileType,
          layers,
          contextLimit,
          error);
    }

    LocalCheckpoint failed(Throwable e) {
      return result(Optional.of(relativeToCheckpoint(message(e), found.path())));
    }
  }

  private static LocalCheckpoint gguf(CheckpointFinder.Found found) {
    Facts facts = new Facts(found);
    try {
      GgufFile file = GgufReader.read(found.path());
      facts.architecture = file.architecture();
      facts.fileType = file.fileType();
      CheckpointWeights weights = file.checkpointWeights();
      facts.parameters = OptionalLong.of(weights.parameters());
      facts.bytes = OptionalLong.of(weights.totalBytes());
      facts.layers = OptionalLong.of(weights.layerBytes().size());
      facts.spec(file.modelSpec());
    } catch (RuntimeException e) {
      return facts.failed(e);
    }
    return facts.result(Optional.empty());
  }

  private static LocalCheckpoint safetensors(CheckpointFinder.Found found) {
    Facts facts = new Facts(found);
    Path dir = found.path();
    try {
      facts.architecture = architecture(dir.resolve(CONFIG_FILE));
      facts.planPath = found.readPath();
      SafetensorsCheckpoint checkpoint = SafetensorsReader.read(facts.planPath);
      facts.parameters = OptionalLong.of(checkpoint.parameters());
      facts.bytes = OptionalLong.of(checkpoint.totalBytes());
      facts.spec(checkpoint.modelSpec());
    } catch (RuntimeException e) {
      return facts.failed(e);
    }
    return facts.result(Optional.empty());
  }

  /**
   * {@code model_type}, else {@code architectures[0]}, of the {@code config.json} at {@code
   * config}, read with the planner's own bounds and rules; empty when there is none or it cannot be
   * read (reading the spec then says why).
   */
  private static Optional<String> architecture(Path config) {
    if (!Files.isRegularFile(config)) {
      return Optional.empty();
    }
    JsonNode root;
    try {
      root = StrictJson.readObject(config, HfConfigReader.MAX_CONFIG_BYTES, "");
    } catch (ModelConfigException e) {
      return Optional.empty();
    }
    JsonNode modelType = root.path("model_type");
    if (modelType.isTextual() && !modelType.asText().isBlank()) {
      return Optional.of(modelType.asText());
    }
    JsonNode first = root.path("architectures").path(0);
    return first.isTextual() ? Optional.of(first.asText()) : Optional.empty();
  }

  /**
   * The message without the checkpoint's own path at its start, which the listing shows already: a
   * file's {@code "FILE: "} is dropped, a directory's {@code "DIR/"} leaves the name of the file in
   * it at fault. Messages are escaped ({@link ErrorHandler#oneLine}), so the path is compared
   * escaped.
   */
  static String relativeToCheckpoint(String message, Path checkpoint) {
    for (Path form : List.of(checkpoint, checkpoint.toAbsolutePath().normalize())) {
      String prefix = Printable.escape(form.toString());
      if (!message.startsWith(prefix)) {
        continue;
      }
      String rest = message.substring(prefix.length());
      if (rest.startsWith(": ")) {
        return rest.substring(2);
      }
      String separator = checkpoint.getFileSystem().getSeparator();
      if (rest.startsWith(separator)) {
        return rest.substring(separator.length());
      }
    }
    return message;
  }

  /**
   * One line saying what went wrong. Readers report bad input as {@link IllegalArgumentException}
   * and I/O failures as {@link UncheckedIOException}; anything else is a bug, labelled as such but
   * still kept to one line so the scan goes on.
   */
  private static String message(Throwable e) {
    if (e instanceof IllegalArgumentException) {
      return ErrorHandler.oneLine(e.getMessage(), e);
    }
    if (e instanceof UncheckedIOException) {
      Throwable cause = e.getCause();
      return "cannot read: " + ErrorHandler.oneLine(cause.getMessage(), cause);
    }
    if (e instanceof OutOfMemoryError) {
      return "ran out of memory reading it (" + ErrorHandler.oneLine(e.getMessage(), e) + ")";
    }
    return "internal error: " + ErrorHandler.oneLine(e.getMessage(), e);
  }
}
