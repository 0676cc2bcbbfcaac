package io.hwledger.fleet.protocol;

import io.hwledger.api.ModelSpec;
import io.hwledger.math.CheckpointWeights;
import org.jspecify.annotations.Nullable;

/**
 * A model checkpoint on an agent's host, as the agent read its headers: a job naming {@code path}
 * in {@link JobSpec#modelFile()} is planned with this model and these weight bytes, and placed only
 * on agents that report the path. The model travels in {@link io.hwledger.math.ModelSpecJson}'s
 * form.
 *
 * @param path the absolute path of the {@code .gguf} file or safetensors directory on the host
 * @param format {@code gguf} or {@code safetensors}
 * @param spec the model its headers describe; null when it could not be read
 * @param weights the bytes its tensors store; null when it could not be read
 * @param error why it could not be read, one line; null when it was
 */
public record ModelFile(
    String path,
    String format,
    @Nullable ModelSpec spec,
    @Nullable CheckpointWeights weights,
    @Nullable String error) {

  /** The longest path accepted, characters. */
  public static final int MAX_PATH = 4096;

  /** The longest error kept, characters. */
  public static final int MAX_ERROR = 1024;

  /**
   * Validates.
   *
   * @param path absolute (starts with {@code /}), 1 to {@value #MAX_PATH} characters, no control
   *     characters, no {@code .} or {@code ..} segment
   * @param format {@code gguf} or {@code safetensors}
   * @param spec with {@code weights}, or neither and an {@code error}
   * @param weights with {@code spec}
   * @param error 1 to {@value #MAX_ERROR} characters without control characters, or null
   * @throws IllegalArgumentException naming what is wrong
   */
  public ModelFile {
    checkPath(path, "path");
    if (!"gguf".equals(format) && !"safetensors".equals(format)) {
      throw new IllegalArgumentException("format must be gguf or safetensors, was " + format);
    }
    if (error != null) {
      Values.text(error, "error", MAX_ERROR);
    }
    if ((spec == null) != (weights == null) || (spec == null) == (error == null)) {
      throw new IllegalArgumentException(
          "model file " + path + ": give spec and weights, or an error alone");
    }
  }

  /**
   * A readable checkpoint.
   *
   * @param path its absolute path
   * @param format {@code gguf} or {@code safetensors}
   * @param spec the model
   * @param weights its weight bytes
   * @return the model file
   */
  public static ModelFile read(
      String path, String format, ModelSpec spec, CheckpointWeights weights) {
    return new ModelFile(path, format, spec, weights, null);
  }

  /**
   * A checkpoint whose headers could not be read.
   *
   * @param path its absolute path
   * @param format {@code gguf} or {@code safetensors}
   * @param error why, one line (cut to {@value #MAX_ERROR} characters)
   * @return the model file
   */
  public static ModelFile unreadable(String path, String format, String error) {
    String cut = error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR - 1) + "…" : error;
    return new ModelFile(path, format, null, null, cut.isEmpty() ? "unreadable" : cut);
  }

  /**
   * Checks a model file's path as jobs and agents give it.
   *
   * @param path the path
   * @param field the field's name, for the message
   * @return {@code path}
   * @throws IllegalArgumentException when it is not an absolute, normalised path of at most {@value
   *     #MAX_PATH} characters without control characters
   */
  public static String checkPath(String path, String field) {
    Values.text(path, field, MAX_PATH);
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException(field + " must be an absolute path, was " + path);
    }
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            field + " must not hold a '" + segment + "' segment, was " + path);
      }
    }
    return path;
  }
}
