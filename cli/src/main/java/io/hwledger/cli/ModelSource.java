package io.hwledger.cli;

import io.hwledger.api.ModelConfigException;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Printable;
import io.hwledger.math.CheckpointWeights;
import io.hwledger.math.HfConfigReader;
import io.hwledger.math.LlamaCppQuantization;
import io.hwledger.math.ModelCatalog;
import io.hwledger.math.Planner;
import io.hwledger.math.gguf.GgufFile;
import io.hwledger.math.gguf.GgufReader;
import io.hwledger.math.safetensors.SafetensorsCheckpoint;
import io.hwledger.math.safetensors.SafetensorsReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Exactly one of {@code --model}, {@code --config}, {@code --gguf} and {@code --safetensors}: the
 * model a command plans for, shared by {@code plan}, {@code perf} and {@code export}.
 */
final class ModelSource {
  @Option(
      names = "--model",
      paramLabel = "ID",
      required = true,
      description = "A catalog model (see 'hwledger models').")
  String model;

  @Option(
      names = "--config",
      paramLabel = "PATH",
      required = true,
      description = "A Hugging Face config.json, or a directory holding one.")
  Path config;

  @Option(
      names = "--gguf",
      paramLabel = "FILE",
      required = true,
      description = "A GGUF file: structure from its metadata, weights from its tensor list.")
  Path gguf;

  @Option(
      names = "--safetensors",
      paramLabel = "PATH",
      required = true,
      description =
          "A safetensors checkpoint (a .safetensors file, a model.safetensors.index.json, or a"
              + " directory holding either and its config.json): weights from its tensor headers.")
  Path safetensors;

  /**
   * A model ready to plan.
   *
   * @param label the catalog id, or the model's name from its files
   * @param origin {@code catalog}, {@code config}, {@code gguf} or {@code safetensors}
   * @param spec the model's structure
   * @param checkpoint the stored weights, when read from a checkpoint
   * @param file the file or directory it was read from; empty for a catalog model
   * @param repo the Hugging Face repository of a catalog model
   * @param fileType a GGUF file's quantisation mix, e.g. {@code Q4_K_M}
   */
  record Loaded(
      String label,
      String origin,
      ModelSpec spec,
      Optional<CheckpointWeights> checkpoint,
      Optional<Path> file,
      Optional<String> repo,
      Optional<String> fileType) {

    /** A planner that uses the checkpoint's stored weight bytes when there is one. */
    Planner planner() {
      return checkpoint.map(c -> Planner.of(spec, c)).orElseGet(() -> Planner.of(spec));
    }
  }

  /**
   * Reads the chosen model for the command {@code command}: an unknown catalog id, or a path with
   * nothing there (or a directory where a file is wanted), is a usage error ({@link
   * ParameterException}); a file that cannot be read as a model is a failed request ({@link
   * ModelConfigException}, naming the option and what is wrong).
   */
  Loaded load(CommandSpec command) {
    checkArguments(command.commandLine());
    return read();
  }

  /** The option and value that name this model again, e.g. {@code --model llama-3.1-8b}. */
  List<String> arguments() {
    if (model != null) {
      return List.of("--model", model);
    }
    if (config != null) {
      return List.of("--config", config.toString());
    }
    if (gguf != null) {
      return List.of("--gguf", gguf.toString());
    }
    return List.of("--safetensors", safetensors.toString());
  }

  private Loaded read() {
    if (model != null) {
      ModelCatalog catalog = ModelCatalog.builtIn();
      ModelSpec spec = catalog.spec(model); // the id is known: checkArguments looked it up
      return new Loaded(
          model,
          "catalog",
          spec,
          Optional.empty(),
          Optional.empty(),
          catalog.find(model).map(ModelCatalog.Entry::repo),
          Optional.empty());
    }
    if (config != null) {
      Path file = Files.isDirectory(config) ? config.resolve("config.json") : config;
      ModelSpec spec = readChecked("--config", file, () -> HfConfigReader.read(file));
      return new Loaded(
          spec.name(),
          "config",
          spec,
          Optional.empty(),
          Optional.of(file),
          Optional.empty(),
          Optional.empty());
    }
    if (gguf != null) {
      GgufFile file = readChecked("--gguf", gguf, () -> GgufReader.read(gguf));
      ModelSpec spec = readChecked("--gguf", gguf, file::modelSpec);
      return new Loaded(
          spec.name(),
          "gguf",
          spec,
          Optional.of(file.checkpointWeights()),
          Optional.of(gguf),
          Optional.empty(),
          file.fileType());
    }
    SafetensorsCheckpoint checkpoint =
        readChecked("--safetensors", safetensors, () -> SafetensorsReader.read(safetensors));
    ModelSpec spec = readChecked("--safetensors", safetensors, checkpoint::modelSpec);
    return new Loaded(
        spec.name(),
        "safetensors",
        spec,
        Optional.of(checkpoint.checkpointWeights()),
        Optional.of(safetensors),
        Optional.empty(),
        Optional.empty());
  }

  /**
   * Checks what the command line names before anything is read: the catalog id is known, the path
   * exists, and is a file where a file is wanted ({@code --gguf}, the {@code --config} file); so a
   * mistyped id or path is a usage error rather than a failed request. Whether the file can be read
   * is left to the reader.
   *
   * @throws ParameterException naming the option and the value
   */
  private void checkArguments(CommandLine command) {
    if (model != null) {
      Usage.model(command, "--model", model);
    } else if (config != null) {
      Usage.file(command, "--config", configFile().orElseThrow());
    } else if (gguf != null) {
      Usage.file(command, "--gguf", gguf);
    } else if (safetensors != null) {
      Usage.existing(command, "--safetensors", safetensors);
    }
  }

  /**
   * The architecture ({@code model_type}) of a catalog or {@code --config} model, which decides how
   * llama.cpp would convert it; empty for a checkpoint, whose stored bytes are planned instead.
   */
  String architecture() {
    if (model != null) {
      return ModelCatalog.builtIn().modelType(model);
    }
    Optional<Path> file = configFile();
    return file.map(f -> readChecked("--config", f, () -> LlamaCppQuantization.architecture(f)))
        .orElse("");
  }

  /** The {@code --config} file's path, when the model came from one. */
  Optional<Path> configFile() {
    if (config == null) {
      return Optional.empty();
    }
    return Optional.of(Files.isDirectory(config) ? config.resolve("config.json") : config);
  }

  private static <T> T readChecked(String option, Path path, java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (ModelConfigException e) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      if (message.startsWith(option) || message.contains(Printable.escape(path.toString()))) {
        throw e;
      }
      throw new ModelConfigException(option + " " + path + ": " + message, e);
    } catch (UncheckedIOException e) {
      throw new ModelConfigException(
          option
              + ": cannot read '"
              + path
              + "': "
              + ErrorHandler.oneLine(e.getCause().getMessage(), e.getCause()),
          e);
    }
  }
}
