package io.hwledger.fleet.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What an operator asks the fleet to run: {@code POST /v1/admin/jobs}. The server plans it with the
 * engine's profile on every candidate set of GPUs and places it where the plan fits.
 *
 * @param v the protocol version
 * @param model a catalog model id ({@code hwledger models}); null when {@code config} or {@code
 *     modelFile} is given
 * @param config the text of the model's Hugging Face {@code config.json}; null when {@code model}
 *     or {@code modelFile} is given
 * @param modelFile the absolute path of a GGUF file or safetensors directory that agents report
 *     under their model directories ({@link ModelFile}): the job is planned with the model and
 *     weight bytes read from it there, placed only on agents that report it, and the engine loads
 *     it; null when {@code model} or {@code config} is given
 * @param modelPath what the engine loads on the agent's host (a directory, a GGUF file or a
 *     repository id); null means the catalog model's repository, or {@code modelFile}
 * @param engine the engine id, e.g. {@code vllm}
 * @param settings engine settings by name, as {@code plan} takes them (e.g. {@code
 *     gpu-memory-utilization=0.9})
 * @param contextTokens tokens of context each user holds
 * @param users concurrent sequences
 * @param weights the weights' format, e.g. {@code bf16}; null for the model's default
 * @param kvCache the KV cache's format; null for the engine's default
 * @param tensorParallel GPUs of one host the model is split over
 * @param policy {@code binpack} (default) or {@code spread}
 * @param imatrix whether the llama.cpp file type named in {@code weights} was quantised with an
 *     importance matrix, which changes the types llama.cpp chooses for some tensors (as {@code plan
 *     --imatrix}); false (the default) assumes one only where llama.cpp cannot quantise without it.
 *     On the wire the member is optional: a body without it, or with null, means false, and false
 *     is left out, so a job without an importance matrix is the same body as before the member
 */
public record JobSpec(
    int v,
    @Nullable String model,
    @Nullable String config,
    @Nullable String modelFile,
    @Nullable String modelPath,
    String engine,
    Map<String, String> settings,
    int contextTokens,
    int users,
    @Nullable String weights,
    @Nullable String kvCache,
    int tensorParallel,
    @Nullable String policy,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY)
        boolean imatrix) {

  /** The largest {@code config.json} accepted, characters. */
  public static final int MAX_CONFIG = 256 * 1024;

  /**
   * Validates and copies.
   *
   * @param v the protocol version
   * @param model a catalog id, 1 to 128 characters, or null
   * @param config {@code config.json} text up to {@value #MAX_CONFIG} characters, or null; exactly
   *     one of {@code model}, {@code config} and {@code modelFile}
   * @param modelFile an absolute path ({@link ModelFile#checkPath}), or null
   * @param modelPath 1 to 4096 characters, or null; null when {@code modelFile} is given
   * @param engine 1 to 32 characters
   * @param settings at most 32 settings; null means none
   * @param contextTokens at least 1
   * @param users at least 1
   * @param weights a format name, or null
   * @param kvCache a format name, or null
   * @param tensorParallel 1 to 64
   * @param policy {@code binpack}, {@code spread} or null
   * @param imatrix true only with {@code weights}
   * @throws IllegalArgumentException naming what is wrong
   */
  public JobSpec {
    Protocol.checkVersion(v);
    if ((model != null ? 1 : 0) + (config != null ? 1 : 0) + (modelFile != null ? 1 : 0) != 1) {
      throw new IllegalArgumentException("give exactly one of model, config and modelFile");
    }
    if (modelFile != null) {
      ModelFile.checkPath(modelFile, "modelFile");
      if (modelPath != null) {
        throw new IllegalArgumentException(
            "modelPath is for model and config jobs: the engine of a modelFile job loads that file");
      }
    }
    if (model != null) {
      Values.text(model, "model", 128);
    }
    if (config != null && (config.isEmpty() || config.length() > MAX_CONFIG)) {
      throw new IllegalArgumentException(
          "config must be 1 to " + MAX_CONFIG + " characters, was " + config.length());
    }
    if (modelPath != null) {
      Values.text(modelPath, "modelPath", 4096);
    }
    Values.text(engine, "engine", 32);
    if (settings == null) {
      settings = Map.of();
    }
    if (settings.size() > 32) {
      throw new IllegalArgumentException("settings holds more than 32 entries");
    }
    settings.forEach(
        (k, val) -> {
          Values.text(k, "settings key", 64);
          Values.text(val, "settings." + k, 256);
        });
    settings = Map.copyOf(settings);
    Values.atLeast(contextTokens, 1, "contextTokens");
    Values.atLeast(users, 1, "users");
    if (weights != null) {
      Values.text(weights, "weights", 32);
    }
    if (kvCache != null) {
      Values.text(kvCache, "kvCache", 32);
    }
    if (tensorParallel < 1 || tensorParallel > 64) {
      throw new IllegalArgumentException("tensorParallel must be 1 to 64, was " + tensorParallel);
    }
    if (policy != null && !policy.equals("binpack") && !policy.equals("spread")) {
      throw new IllegalArgumentException("policy must be binpack or spread, was '" + policy + "'");
    }
    if (imatrix && weights == null) {
      throw new IllegalArgumentException(
          "imatrix applies to a llama.cpp file type: name one in weights");
    }
  }

  /**
   * A job whose weights, if a llama.cpp file type, were quantised without an importance matrix
   * where llama.cpp allows it ({@code imatrix} false); validated as the canonical constructor.
   *
   * @param v the protocol version
   * @param model a catalog id, or null
   * @param config {@code config.json} text, or null
   * @param modelFile an absolute path, or null
   * @param modelPath what the engine loads, or null
   * @param engine the engine id
   * @param settings engine settings; null means none
   * @param contextTokens at least 1
   * @param users at least 1
   * @param weights a format or file type name, or null
   * @param kvCache a format name, or null
   * @param tensorParallel 1 to 64
   * @param policy {@code binpack}, {@code spread} or null
   * @throws IllegalArgumentException naming what is wrong
   */
  public JobSpec(
      int v,
      @Nullable String model,
      @Nullable String config,
      @Nullable String modelFile,
      @Nullable String modelPath,
      String engine,
      Map<String, String> settings,
      int contextTokens,
      int users,
      @Nullable String weights,
      @Nullable String kvCache,
      int tensorParallel,
      @Nullable String policy) {
    this(
        v,
        model,
        config,
        modelFile,
        modelPath,
        engine,
        settings,
        contextTokens,
        users,
        weights,
        kvCache,
        tensorParallel,
        policy,
        false);
  }
}
