package io.hwledger.cli;

import io.hwledger.math.local.CheckpointFinder;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One local checkpoint as {@code models --dir} lists it: what its headers say, and what stopped it
 * from being read or planned. Each figure is empty when it could not be read.
 *
 * @param relative the {@code .gguf} file or safetensors directory, relative to the scanned
 *     directory; empty for the scanned directory itself
 * @param format its format
 * @param planPath the path to give {@code plan}: reached from the scanned directory as given, so it
 *     works from where the scan ran
 * @param architecture GGUF {@code general.architecture}; for safetensors, {@code config.json}'s
 *     {@code model_type}, else the first architecture it lists
 * @param parameters parameters the tensor headers store
 * @param bytes tensor data bytes (no headers or padding)
 * @param fileType a GGUF file's quantisation mix, e.g. {@code Q4_K_M}
 * @param layers decoder layers
 * @param contextLimit the model's context limit in tokens
 * @param error why the checkpoint cannot be read or planned, one line; empty when it can be planned
 */
record LocalCheckpoint(
    Path relative,
    CheckpointFinder.Format format,
    Path planPath,
    Optional<String> architecture,
    OptionalLong parameters,
    OptionalLong bytes,
    Optional<String> fileType,
    OptionalLong layers,
    OptionalLong contextLimit,
    Optional<String> error) {

  LocalCheckpoint {
    Objects.requireNonNull(relative, "relative");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(planPath, "planPath");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(fileType, "fileType");
    Objects.requireNonNull(layers, "layers");
    Objects.requireNonNull(contextLimit, "contextLimit");
    Objects.requireNonNull(error, "error");
  }

  /** The relative path as shown: {@code .} for the scanned directory itself. */
  String displayPath() {
    String text = relative.toString();
    return text.isEmpty() ? "." : text;
  }

  /** The {@code plan} options that select this checkpoint, e.g. {@code [--gguf, a/b.gguf]}. */
  List<String> planArguments() {
    return List.of("--" + format.id(), planPath.toString());
  }
}
