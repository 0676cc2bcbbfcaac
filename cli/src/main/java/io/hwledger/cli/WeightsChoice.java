package io.hwledger.cli;

import io.hwledger.api.DType;
import io.hwledger.api.ModelSpec;
import io.hwledger.math.CheckpointWeights;
import io.hwledger.math.LlamaCppFileType;
import io.hwledger.math.LlamaCppQuantization;
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
}
