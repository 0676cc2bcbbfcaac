package io.hwledger.cli;

import io.hwledger.api.DType;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Precision;
import io.hwledger.math.CheckpointWeights;
import io.hwledger.math.LlamaCppFileType;
import io.hwledger.math.LlamaCppQuantization;
import io.hwledger.math.Planner;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;

/**
 * What a {@code --weights} value names, read one way by {@code plan}, {@code perf} and {@code fleet
 * submit}: a quantised llama.cpp file type (Q4_K_M, IQ4_XS, ...: a per-tensor mix, planned as the
 * tensor bytes {@code llama-quantize} would write) or a format every linear weight takes ({@code
 * bf16}, {@code fp8}, {@code q4_k}, {@code int4_g128}, ...). The float file types (F16, BF16, F32)
 * are read as formats, which differ from llama.cpp's files only by norms kept in 16 bits.
 *
 * @param fileType the quantised file type, when the name is one
 * @param format the format: the file type's default ggml type, or the named format
 */
record WeightsChoice(Optional<LlamaCppFileType> fileType, DType format) {

  /**
   * Reads {@code text}; a name that is neither a file type nor a format is the one-line usage error
   * {@link Usage#dtype} gives, suggesting close format and file type names.
   *
   * @param command the command, for the error and its help pointer
   * @param option the option's name, e.g. {@code --weights}
   * @param text the value typed
   * @return the choice
   * @throws CommandLine.ParameterException for an unknown name, or a file type without a block size
   *     (NVFP4, Q1_0, Q2_0)
   */
  static WeightsChoice parse(CommandLine command, String option, String text) {
    Optional<LlamaCppFileType> type = LlamaCppFileType.findQuantised(text);
    if (type.isPresent()) {
      DType format =
          type.get()
              .defaultType()
              .orElseThrow(
                  () ->
                      Usage.error(
                          command,
                          option
                              + ": llama.cpp file type "
                              + type.get()
                              + " cannot be planned: no block size"));
      return new WeightsChoice(type, format);
    }
    Set<String> known = new LinkedHashSet<>(DType.names()); // file types share some names
    for (LlamaCppFileType t : LlamaCppFileType.values()) {
      known.add(t.name().toLowerCase(Locale.ROOT));
    }
    return new WeightsChoice(Optional.empty(), Usage.dtype(command, option, text, known));
  }

  /**
   * The tensor bytes of the file {@code llama-quantize} would write for the file type, when this
   * choice is one.
   *
   * @param model the model
   * @param architecture its {@code model_type}, as {@link LlamaCppQuantization#of} takes it
   * @param imatrix whether the file is quantised with an importance matrix; false plans one only
   *     where llama.cpp requires it
   * @return the planned file's weights; empty for a format
   * @throws IllegalArgumentException if the model's sizes overflow
   */
  Optional<CheckpointWeights> plannedFile(ModelSpec model, String architecture, boolean imatrix) {
    return fileType.map(
        t -> {
          LlamaCppQuantization q = LlamaCppQuantization.of(model, architecture);
          return imatrix ? q.weights(t, true) : q.weights(t);
        });
  }

  /**
   * What a command plans with once its {@code --weights} and {@code --imatrix} are read.
   *
   * @param precision the model's default precision, its weights in the chosen format
   * @param checkpoint the stored weights: the loaded checkpoint's, else the file {@code
   *     llama-quantize} would write for a named file type, else none
   * @param fileType the llama.cpp file type named, when one was and no checkpoint was loaded
   */
  record Resolved(
      Precision precision,
      Optional<CheckpointWeights> checkpoint,
      Optional<LlamaCppFileType> fileType) {

    /** The planner of {@code model} over these stored weights, if any. */
    Planner planner(ModelSpec model) {
      return checkpoint.map(c -> Planner.of(model, c)).orElseGet(() -> Planner.of(model));
    }
  }

  /**
   * Reads {@code --weights} and {@code --imatrix} for a loaded model, one way for {@code plan},
   * {@code perf}, {@code export} and {@code cloud offers}: a file type names the tensor bytes
   * llama-quantize would write (with the importance-matrix choices when {@code imatrix}); a loaded
   * checkpoint keeps its own bytes, with a warning.
   *
   * @param command the command, for usage errors
   * @param weights the {@code --weights} value, or null
   * @param imatrix whether {@code --imatrix} was given
   * @param source the model option, for the architecture a file type's rules depend on
   * @param loaded the model as loaded
   * @param io where the warning goes
   * @param planning the verb of the warning, e.g. {@code planning}
   * @return the precision and stored weights to plan with
   * @throws CommandLine.ParameterException for an unknown --weights, or --imatrix without a file
   *     type
   */
  static Resolved resolve(
      CommandLine command,
      String weights,
      boolean imatrix,
      ModelSource source,
      ModelSource.Loaded loaded,
      Streams io,
      String planning) {
    ModelSpec model = loaded.spec();
    Precision precision = model.defaultPrecision();
    if (weights == null) {
      if (imatrix) {
        throw Usage.error(
            command, "--imatrix applies to a llama.cpp file type: name one with --weights");
      }
      return new Resolved(precision, loaded.checkpoint(), Optional.empty());
    }
    WeightsChoice choice = parse(command, "--weights", weights);
    precision = precision.withWeights(choice.format());
    if (loaded.checkpoint().isPresent()) {
      io.warn(
          "--weights does not change the weights a "
              + loaded.origin()
              + " checkpoint stores; "
              + planning
              + " with its tensor bytes");
      return new Resolved(precision, loaded.checkpoint(), Optional.empty());
    }
    try {
      return new Resolved(
          precision, choice.plannedFile(model, source.architecture(), imatrix), choice.fileType());
    } catch (IllegalArgumentException e) {
      throw Usage.error(command, e);
    }
  }
}
