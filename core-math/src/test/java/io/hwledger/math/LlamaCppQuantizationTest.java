package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hwledger.api.Attention;
import io.hwledger.api.DType;
import io.hwledger.api.ModelSpec;
import io.hwledger.testsupport.Verifies;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Planned llama.cpp file types against published GGUF sizes. llama-bench's "size" column and
 * llama-quantize's "quant size" are {@code llama_model_size()}: the tensor data bytes, the figure
 * planned here; a GGUF file adds its header, metadata (mostly the tokenizer) and alignment padding.
 */
@Verifies("FR-PLAN-022")
class LlamaCppQuantizationTest {
  private static final double GIB = 1024.0 * 1024 * 1024;

  private static LlamaCppQuantization catalog(String id) {
    ModelCatalog models = ModelCatalog.builtIn();
    return LlamaCppQuantization.of(models.spec(id), models.modelType(id));
  }

  private static double gib(LlamaCppQuantization q, String type, boolean imatrix) {
    return q.weights(LlamaCppFileType.find(type).orElseThrow(), imatrix).totalBytes() / GIB;
  }

  /**
   * llama-bench "size" rows (GiB, two decimals) of files people run; each planned figure rounds to
   * the published one, which is also well inside ±1 %. Sources: llama 7B Q4_0 3.56 GiB and llama
   * 70B Q4_0 37.22 GiB, two RX 7900 XTX, ROCm, build 72272b83 (3265); llama 7B Q8_0 6.67 GiB,
   * Vulkan,BLAS; qwen2 7B Q4_K - Medium 4.36 GiB (Qwen2.5-7B-Instruct-Q4_K_M, many reports, e.g.
   * geerlingguy/ai-benchmarks); llama 8x7B Q4_K - Medium 26.49 GiB, Vulkan; qwen3moe 30B.A3B Q4_K -
   * Medium 17.28 GiB, CUDA, build 233d773d0 (6413); llama 8B Q4_K - Medium 4.58 GiB.
   */
  @ParameterizedTest(name = "{0} {1}: {2} GiB")
  @CsvSource({
    "llama-2-7b, Q4_0, 3.56",
    "llama-2-7b, Q8_0, 6.67",
    "llama-3.1-70b, Q4_0, 37.22",
    "llama-3.1-8b, Q4_K_M, 4.58",
    "qwen2.5-7b, Q4_K_M, 4.36",
    "mixtral-8x7b-v0.1, Q4_K_M, 26.49",
    "qwen3-30b-a3b, Q4_K_M, 17.28"
  })
  void matchesLlamaBenchModelSize(String model, String type, double published) {
    double planned = gib(catalog(model), type, false);
    assertThat(planned).isCloseTo(published, within(0.005));
    assertThat(Math.abs(planned / published - 1)).isLessThan(0.01);
  }

  /**
   * llama.cpp's own size table for Llama-3-8B, printed by {@code llama-quantize --help} ({@code
   * tools/quantize/quantize.cpp} QUANT_OPTIONS, e.g. "Q4_K_M : 4.58G, +0.1754 ppl @ Llama-3-8B"),
   * in GiB. Llama-3-8B has Llama-3.1-8B's shapes. Q4_0 and Q5_0 are compared with an importance
   * matrix, as published files are made, the rest without (it changes nothing for them).
   */
  @ParameterizedTest(name = "Llama-3-8B {0}: {1} GiB")
  @CsvSource({
    "Q4_0, 4.34, true",
    "Q4_1, 4.78, false",
    "Q5_0, 5.21, true",
    "Q5_1, 5.65, false",
    "Q2_K, 2.96, false",
    "Q3_K_S, 3.41, false",
    "Q3_K_M, 3.74, false",
    "Q3_K_L, 4.03, false",
    "Q4_K_S, 4.37, false",
    "Q4_K_M, 4.58, false",
    "Q5_K_S, 5.21, false",
    "Q5_K_M, 5.33, false",
    "Q6_K, 6.14, false",
    "Q8_0, 7.96, false"
  })
  void matchesLlamaQuantizeTableForLlama3_8b(String type, double published, boolean imatrix) {
    double planned = gib(catalog("llama-3.1-8b"), type, imatrix);
    assertThat(Math.abs(planned / published - 1))
        .as("%s planned %.3f GiB", type, planned)
        .isLessThan(0.01);
  }

  /**
   * bartowski's Llama-3.2-3B-Instruct-Q4_K_M.gguf is 2,019,377,696 bytes (wget log in
   * geerlingguy/ai-benchmarks issue 53, llama-bench "llama 3B Q4_K - Medium 1.87 GiB 3.21 B" in the
   * same report). meta-llama/Llama-3.2-3B-Instruct config.json: vocab 128,256, hidden 3,072, 28
   * layers, 24/8 heads of 128, FFN 8,192, tied embeddings. Tied, so the one table is the output
   * head and gets Q6_K. The file's header and metadata (128,256 tokens, 280,147 merges, chat
   * template) make up the difference of about 0.4 %.
   */
  @Test
  void onlyQuantisedFileTypesArePlannedAsMixes() {
    // llama-quantize's names, any case, dashes as underscores; F32/F16/BF16 store one format
    assertThat(LlamaCppFileType.findQuantised(" q4-k-m ")).contains(LlamaCppFileType.Q4_K_M);
    assertThat(LlamaCppFileType.findQuantised("IQ4_XS")).contains(LlamaCppFileType.IQ4_XS);
    assertThat(LlamaCppFileType.findQuantised("F16")).isEmpty();
    assertThat(LlamaCppFileType.findQuantised("bf16")).isEmpty();
    assertThat(LlamaCppFileType.findQuantised("int4_g128")).isEmpty();
    assertThat(LlamaCppFileType.findQuantised(null)).isEmpty();
  }

  @Test
  void matchesAPublishedFileSizeOfATiedModel() {
    ModelSpec untied =
        TestModels.dense(
            "llama-3.2-3b", 128_256, 3072, 28, Attention.full(24, 8, 128), 8192, 131_072);
    ModelSpec tied =
        new ModelSpec(
            untied.name(),
            untied.vocabSize(),
            untied.hiddenSize(),
            true,
            untied.norm(),
            untied.layers(),
            untied.contextLimit(),
            untied.defaultPrecision());
    LlamaCppQuantization q = LlamaCppQuantization.of(tied, "llama");
    CheckpointWeights w = q.weights(LlamaCppFileType.Q4_K_M);
    // llama-bench's "3.21 B": 128,256 · 3,072 embedding + 28 · (2 · 3,072² q and o + 2 · 1,024 ·
    // 3,072 k and v + 3 · 3,072 · 8,192 MLP + 2 · 3,072 norms) + 3,072 final norm
    assertThat(w.parameters())
        .isEqualTo(
            128_256L * 3072
                + 28L * (2L * 3072 * 3072 + 2L * 1024 * 3072 + 3L * 3072 * 8192 + 2 * 3072)
                + 3072)
        .isEqualTo(3_212_749_824L);
    assertThat(w.totalBytes() / GIB).isCloseTo(1.87, within(0.005));
    long file = 2_019_377_696L;
    assertThat(w.totalBytes()).isLessThan(file);
    assertThat(1 - (double) w.totalBytes() / file).isLessThan(0.01);
    assertThat(typeOf(q.tensors(LlamaCppFileType.Q4_K_M, false), "token_embd.weight"))
        .isEqualTo(DType.parse("q6_k"));
    assertThat(w.outputBytes()).isZero();
  }

  /**
   * Exact byte sizes of four files of bartowski/Meta-Llama-3.1-8B-Instruct-GGUF (llama.cpp b3472,
   * every quant made with an importance matrix), as a public download script checks them after
   * download ("llamacpp-hrx2-basket-v1": Q4_K_M 4,920,739,232, Q5_K_M 5,732,992,416, Q8_0
   * 8,540,775,840, IQ4_XS 4,447,667,616 bytes; the README lists them as 4.92, 5.73, 8.54 and 4.45
   * GB). The four files hold the same tokenizer and tensor names, and every tensor of this shape is
   * a multiple of the 32-byte alignment, so each file is its tensor data plus one and the same
   * header: when the plan is the file's tensor data byte for byte, file minus plan is one constant.
   */
  @Test
  void iq4XsFileIsItsPlanPlusTheSameHeaderAsTheKQuants() {
    LlamaCppQuantization q = catalog("llama-3.1-8b");
    Map<LlamaCppFileType, Long> files =
        Map.of(
            LlamaCppFileType.Q4_K_M, 4_920_739_232L,
            LlamaCppFileType.Q5_K_M, 5_732_992_416L,
            LlamaCppFileType.Q8_0, 8_540_775_840L,
            LlamaCppFileType.IQ4_XS, 4_447_667_616L);
    files.forEach(
        (type, bytes) ->
            assertThat(bytes - q.weights(type, true).totalBytes())
                .as("%s: file minus plan", type)
                .isEqualTo(7_841_184L));
    // Llama-3.2-3B's file of the same tokenizer (above) carries 7,838,240 bytes beyond its tensor
    // data: the same metadata with four fewer layers of tensor infos.
    // Without an importance matrix, llama.cpp raises the first eighth of ffn_down to Q5_K for
    // IQ4_XS: 4 layers x 14,336 x 4,096 x (176 - 136) / 256 bytes more than the published file.
    assertThat(
            q.weights(LlamaCppFileType.IQ4_XS, false).totalBytes()
                - q.weights(LlamaCppFileType.IQ4_XS, true).totalBytes())
        .isEqualTo(4L * 14_336 * 4_096 * (176 - 136) / 256);
  }

  /**
   * Exact byte sizes of unsloth/Qwen3-30B-A3B-Instruct-2507-GGUF files (same download script):
   * Q5_K_M 21,725,581,728, Q6_K 25,092,532,640, Q8_0 32,483,932,576 and IQ4_XS 16,378,073,504
   * bytes. The K-quant and Q8_0 files are their plans plus one header (5,970,336 bytes). The IQ4_XS
   * file is 9,723,904 bytes larger still: exactly its 151,936 x 2,048 token embedding stored in
   * Q4_K (144 bytes per 256) instead of IQ4_XS (136), which llama.cpp's rules do not choose for
   * IQ4_XS at the pinned commit (nor at b3472, as bartowski's Llama file above shows): a choice of
   * the quantizer's ({@code --token-embedding-type}), 0.06 % of the file.
   */
  @Test
  void unslothMoeFilesAreTheirPlansPlusOneHeader() {
    LlamaCppQuantization q = catalog("qwen3-30b-a3b");
    long header = 5_970_336L;
    assertThat(25_092_532_640L - q.weights(LlamaCppFileType.Q6_K, true).totalBytes())
        .isEqualTo(header);
    assertThat(21_725_581_728L - q.weights(LlamaCppFileType.Q5_K_M, true).totalBytes())
        .isEqualTo(header);
    assertThat(32_483_932_576L - q.weights(LlamaCppFileType.Q8_0, true).totalBytes())
        .isEqualTo(header);
    long iq4xs = q.weights(LlamaCppFileType.IQ4_XS, true).totalBytes();
    assertThat(16_378_073_504L - iq4xs - header).isEqualTo(151_936L * 2048 / 256 * (144 - 136));
    assertThat(Math.abs(iq4xs / 16_378_073_504.0 - 1)).isLessThan(0.01);
  }

  /**
   * File sizes bartowski's READMEs publish (GB of 10^9 bytes, two decimals; every quant made with
   * an importance matrix): Qwen2.5-72B-Instruct-GGUF (llama.cpp b3772), Meta-Llama-3.1-8B-Instruct
   * -GGUF (b3472), gemma-2-9b-it-GGUF (b3389), and Llama-3.1-Nemotron-70B-Instruct-HF-GGUF, which
   * has Llama-3.1-70B's shapes (its table as quoted on ozeki.chat "Understanding AI model files";
   * IQ2_M 24.12 GB as listed in lavantien/llm_tournament data/models.md). The README copies are in
   * YinanWusoymilk/hf-readme (training_and_application/readme_files/bartowski_*.md). A file is the
   * plan plus its header and tokenizer (7.84 MB for Llama 3's, above; under 15 MB for these
   * vocabularies) and the README rounds to 5 MB, so each published size must lie between the plan
   * minus 5 MB and the plan plus 20 MB, which for these sizes is also well within ±1 %.
   */
  @ParameterizedTest(name = "{0} {1}: {2} GB")
  @CsvSource({
    "qwen2.5-72b, IQ4_XS, 39.71",
    "qwen2.5-72b, IQ3_M, 35.50",
    "qwen2.5-72b, IQ3_XXS, 31.85",
    "qwen2.5-72b, IQ2_M, 29.34",
    "qwen2.5-72b, IQ2_XS, 27.06",
    "qwen2.5-72b, IQ2_XXS, 25.49",
    "qwen2.5-72b, IQ1_M, 23.74",
    "qwen2.5-72b, Q8_0, 77.26",
    "qwen2.5-72b, Q6_K, 64.35",
    "qwen2.5-72b, Q5_K_M, 54.45",
    "qwen2.5-72b, Q4_K_M, 47.42",
    "qwen2.5-72b, Q4_0, 41.38",
    "qwen2.5-72b, Q3_K_L, 39.51",
    "qwen2.5-72b, Q3_K_M, 37.70",
    "qwen2.5-72b, Q3_K_S, 34.49",
    "qwen2.5-72b, Q2_K, 29.81",
    "llama-3.1-8b, IQ3_M, 3.78",
    "llama-3.1-8b, IQ3_XS, 3.52",
    "llama-3.1-8b, IQ2_M, 2.95",
    "llama-3.1-8b, Q2_K, 3.18",
    "llama-3.1-8b, Q3_K_S, 3.66",
    "llama-3.1-8b, Q3_K_M, 4.02",
    "llama-3.1-8b, Q3_K_L, 4.32",
    "llama-3.1-8b, Q4_K_S, 4.69",
    "llama-3.1-8b, Q5_K_S, 5.60",
    "llama-3.1-8b, Q6_K, 6.60",
    "gemma-2-9b-it, IQ4_XS, 5.18",
    "gemma-2-9b-it, IQ3_M, 4.49",
    "gemma-2-9b-it, IQ3_XS, 4.14",
    "gemma-2-9b-it, IQ3_XXS, 3.80",
    "gemma-2-9b-it, IQ2_M, 3.43",
    "gemma-2-9b-it, Q2_K, 3.81",
    "gemma-2-9b-it, Q3_K_M, 4.76",
    "gemma-2-9b-it, Q4_K_M, 5.76",
    "llama-3.1-70b, IQ4_XS, 37.90",
    "llama-3.1-70b, IQ3_M, 31.94",
    "llama-3.1-70b, IQ2_M, 24.12",
    "llama-3.1-70b, Q3_K_S, 30.91",
    "llama-3.1-70b, Q4_0, 40.12"
  })
  void matchesPublishedImatrixFileSizes(String model, String type, double publishedGb) {
    long planned =
        catalog(model).weights(LlamaCppFileType.find(type).orElseThrow(), true).totalBytes();
    long published = Math.round(publishedGb * 1e9);
    assertThat(published - planned)
        .as("file minus plan, bytes")
        .isBetween(-5_000_000L, 20_000_000L);
    assertThat(Math.abs((double) planned / published - 1)).isLessThan(0.01);
  }

  /**
   * llama-bench "size" rows (GiB, two decimals) of LLaMA-3.1-8B-Instruct quantised with mainline
   * llama.cpp build 14b699ec (4384), in ikawrakow's CPU comparison (ik_llama.cpp discussion 164,
   * https://github.com/ikawrakow/ik_llama.cpp/discussions/164, AVX2 and ARM_NEON tables: "8B Q2_K -
   * Small 2.78 GiB", "8B IQ3_S - 3.4375 bpw 3.42 GiB", "8B IQ4_NL - 4.5 bpw 4.35 GiB", ...). The
   * only published sizes found of Q2_K_S, and the first llama-bench sizes of IQ3_S and IQ4_NL. The
   * size column is {@code llama_model_size()}, the tensor data the plan is, so the only tolerance
   * is the rounding to 0.01 GiB (0.005 GiB either way). The files were made with an importance
   * matrix: IQ2_XXS, IQ2_XS, IQ2_M, IQ3_XXS and Q2_K_S cannot be made without one, and the table's
   * Q4_0 (4.35 GiB) and IQ4_NL (4.35 GiB) are the imatrix mixes; without one the plan is 4.33 and
   * 4.38 GiB (the first eighth of ffn_down in Q4_0 instead of Q4_1, in Q5_K instead of IQ4_NL).
   */
  @ParameterizedTest(name = "Llama-3.1-8B {0}: {1} GiB")
  @CsvSource({
    "Q2_K_S, 2.78",
    "IQ3_S, 3.42",
    "IQ4_NL, 4.35",
    "IQ2_XXS, 2.23",
    "IQ2_XS, 2.42",
    "IQ2_M, 2.74",
    "IQ3_XXS, 3.04",
    "IQ4_XS, 4.13",
    "Q3_K_S, 3.41",
    "Q4_0, 4.35",
    "Q4_K_S, 4.36",
    "Q5_K_S, 5.21",
    "Q6_K, 6.14",
    "Q8_0, 7.95"
  })
  void matchesLlamaBenchSizesOfImatrixQuants(String type, double published) {
    double planned = gib(catalog("llama-3.1-8b"), type, true);
    assertThat(planned).as("%s planned GiB", type).isCloseTo(published, within(0.005));
    assertThat(Math.abs(planned / published - 1)).isLessThan(0.01);
  }

  /**
   * Without an importance matrix the IQ4_NL mix differs, and llama-bench's 4.35 GiB excludes it.
   */
  @Test
  void iq4NlWithoutImatrixIsAnotherMix() {
    LlamaCppQuantization q = catalog("llama-3.1-8b");
    // the first eighth of ffn_down (4 of 32 layers) in Q5_K (176 B per 256) instead of IQ4_NL
    // (18 B per 32, 144 per 256): 4 x 14,336 x 4,096 x (176 - 144) / 256 bytes
    assertThat(
            q.weights(LlamaCppFileType.IQ4_NL, false).totalBytes()
                - q.weights(LlamaCppFileType.IQ4_NL, true).totalBytes())
        .isEqualTo(4L * 14_336 * 4_096 * (176 - 144) / 256);
    assertThat(gib(q, "IQ4_NL", false)).isCloseTo(4.38, within(0.005));
  }

  /**
   * File sizes of the remaining i-quant mixes (IQ1_S, IQ2_S, IQ3_S, IQ4_NL) in bartowski's READMEs
   * (GB of 10^9 bytes, two decimals; "All quants made using imatrix option"): Meta-Llama-3-8B
   * -Instruct-GGUF (llama.cpp commit ffe6665), Mistral-7B-Instruct-v0.3-GGUF (b2965) and
   * Meta-Llama-3.1-70B-Instruct-GGUF (b3472); README copies in YinanWusoymilk/hf-readme
   * (training_and_application/readme_files/bartowski_*.md). The checkpoints have the catalog's
   * shapes (Llama-3-8B, Mistral-7B v0.3, Llama-3.1-70B). A file is its plan plus a header of 0 to
   * 15 MB (7.84 MB for Llama 3's tokenizer, above; less for Mistral's 32,768 tokens). These two
   * older READMEs cut to 0.01 GB rather than round (Mistral IQ3_S: 3.18 GB for a plan of 3.1856 GB
   * plus its header), so a published size lies in (file - 10 MB, file + 5 MB], that is between the
   * plan minus 10 MB and the plan plus 20 MB; for these sizes also well within ±1 %.
   */
  @ParameterizedTest(name = "{0} {1}: {2} GB")
  @CsvSource({
    "llama-3-8b, IQ4_NL, 4.67",
    "llama-3-8b, IQ3_S, 3.68",
    "llama-3-8b, IQ2_S, 2.75",
    "llama-3-8b, IQ1_S, 2.01",
    "mistral-7b-v0.3, IQ4_NL, 4.13",
    "mistral-7b-v0.3, IQ3_S, 3.18",
    "mistral-7b-v0.3, IQ2_S, 2.31",
    "mistral-7b-v0.3, IQ1_S, 1.61",
    "llama-3.1-70b, IQ2_S, 22.24"
  })
  void matchesPublishedSizesOfTheRemainingIQuants(String model, String type, double publishedGb) {
    long planned =
        catalog(model).weights(LlamaCppFileType.find(type).orElseThrow(), true).totalBytes();
    long published = Math.round(publishedGb * 1e9);
    assertThat(published - planned)
        .as("published minus plan, bytes")
        .isGreaterThan(-10_000_000L)
        .isLessThanOrEqualTo(20_000_000L);
    assertThat(Math.abs((double) planned / published - 1)).isLessThan(0.01);
  }

  /**
   * No published TQ1_0 or TQ2_0 file of a catalog model made by llama-quantize's own mix was found:
   * the ternary types are meant for models trained ternary (BitNet b1.58, TriLM; llama.cpp PR 8151,
   * whose author notes that unsloth's DeepSeek "TQ1_0" files do not use the type), and the
   * llama-bench rows found are of such models (bitnet 2B TQ2_0 770.94 MiB, TriLM 3.9B TQ2_0 1.08
   * GiB), none in the catalog. One row is a Llama 3 8B: "llama 8B TQ2_0 - 2.06 bpw ternary 2.72 GiB
   * 8.03 B" (ik_llama.cpp discussion 288, a file of llama.cpp PR 12557, quantised with the token
   * embedding and output in Q8_0). llama.cpp's TQ2_0 mix raises no layer tensor (only the embedding
   * to Q4_K and the output to Q6_K), so that file is the plan with those two tables in Q8_0
   * instead: 2 x 128,256 x 4,096 / 32 x 34 bytes. That checks TQ2_0's layers (66 bytes per 256
   * weights, every linear weight of every layer), not its embedding and output choices.
   */
  @Test
  void tq2_0LayersMatchALlamaBenchRowOfATernaryLlama3_8b() {
    CheckpointWeights w = catalog("llama-3.1-8b").weights(LlamaCppFileType.TQ2_0, false);
    long q8Table = 128_256L * 4096 / 32 * 34;
    long pureQ8Tables = w.totalBytes() - w.embeddingBytes() - w.outputBytes() + 2 * q8Table;
    assertThat(pureQ8Tables / GIB).isCloseTo(2.72, within(0.005));
    // embedding Q4_K (144 bytes per 256), output Q6_K (210 per 256)
    assertThat(w.embeddingBytes()).isEqualTo(128_256L * 4096 / 256 * 144);
    assertThat(w.outputBytes()).isEqualTo(128_256L * 4096 / 256 * 210);
  }

  /** The example: a Q4_0 file keeps the output head at Q6_K and the embedding at Q4_0. */
  @Test
  void q4_0QuantisesEmbeddingAndOutputAsLlamaCppDoes() {
    List<LlamaCppQuantization.Tensor> t =
        catalog("llama-2-7b").tensors(LlamaCppFileType.Q4_0, false);
    assertThat(typeOf(t, "output.weight")).isEqualTo(DType.parse("q6_k"));
    assertThat(typeOf(t, "token_embd.weight")).isEqualTo(DType.parse("q4_0"));
    assertThat(typeOf(t, "blk.0.norms.weight")).isEqualTo(DType.FP32);
    // 32,000 x 4,096 embedding in Q4_0: 32,000 rows x 128 blocks x 18 B; head in Q6_K: x 16 x 210
    CheckpointWeights w = catalog("llama-2-7b").weights(LlamaCppFileType.Q4_0, false);
    assertThat(w.embeddingBytes()).isEqualTo(32_000L * 128 * 18);
    assertThat(w.outputBytes()).isEqualTo(32_000L * 16 * 210);
  }

  /**
   * Q4_K_M raises attn_v and ffn_down to Q6_K on {@code use_more_bits} layers: of 32, layers 0-3
   * (first eighth), 28-31 (last eighth) and every third between, 6, 9, ..., 27: 16 layers.
   */
  @Test
  void q4KmRaisesHalfOfAttnVAndFfnDownToQ6K() {
    List<LlamaCppQuantization.Tensor> t =
        catalog("llama-3.1-8b").tensors(LlamaCppFileType.Q4_K_M, false);
    List<Integer> raised = List.of(0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31);
    for (int layer = 0; layer < 32; layer++) {
      DType expected = DType.parse(raised.contains(layer) ? "q6_k" : "q4_k");
      assertThat(typeOf(t, "blk." + layer + ".attn_v.weight"))
          .as("attn_v %d", layer)
          .isEqualTo(expected);
      assertThat(typeOf(t, "blk." + layer + ".ffn_down.weight"))
          .as("ffn_down %d", layer)
          .isEqualTo(expected);
      assertThat(typeOf(t, "blk." + layer + ".attn_q.weight")).isEqualTo(DType.parse("q4_k"));
    }
    assertThat(typeOf(t, "output.weight")).isEqualTo(DType.parse("q6_k"));
    assertThat(typeOf(t, "token_embd.weight")).isEqualTo(DType.parse("q4_k"));
  }

  /** Mixtral has 8 experts: attn_v and attn_k in Q8_0, attn_output in Q5_K for Q4_K_M. */
  @Test
  void eightExpertModelsKeepAttentionInMoreBits() {
    List<LlamaCppQuantization.Tensor> t =
        catalog("mixtral-8x7b-v0.1").tensors(LlamaCppFileType.Q4_K_M, false);
    assertThat(typeOf(t, "blk.5.attn_v.weight")).isEqualTo(DType.parse("q8_0"));
    assertThat(typeOf(t, "blk.5.attn_k.weight")).isEqualTo(DType.parse("q8_0"));
    assertThat(typeOf(t, "blk.5.attn_output.weight")).isEqualTo(DType.parse("q5_k"));
    assertThat(typeOf(t, "blk.5.ffn_gate_inp.weight")).isEqualTo(DType.FP32);
    // use_more_bits by the layer in the expert tensor's name: layer 0 raised, layer 5 not
    assertThat(typeOf(t, "blk.0.ffn_down_exps.weight")).isEqualTo(DType.parse("q6_k"));
    assertThat(typeOf(t, "blk.5.ffn_down_exps.weight")).isEqualTo(DType.parse("q4_k"));
  }

  /** Llama-family 70B models (80 layers, GQA) raise Q3_K/Q4_K attn_v to Q5_K. */
  @Test
  void seventyBRaisesAttnV() {
    List<LlamaCppQuantization.Tensor> t =
        catalog("llama-3.1-70b").tensors(LlamaCppFileType.Q4_K_S, false);
    assertThat(typeOf(t, "blk.40.attn_v.weight")).isEqualTo(DType.parse("q5_k"));
    List<LlamaCppQuantization.Tensor> small =
        catalog("llama-3.1-8b").tensors(LlamaCppFileType.Q4_K_S, false);
    assertThat(typeOf(small, "blk.20.attn_v.weight")).isEqualTo(DType.parse("q4_k"));
  }

  /** Phi-3 stores q, k and v as one attn_qkv, which follows attn_v's rules in this llama.cpp. */
  @Test
  void fusedQkvArchitecturesPlanOneTensor() {
    List<LlamaCppQuantization.Tensor> t =
        catalog("phi-3-mini-4k-instruct").tensors(LlamaCppFileType.Q4_K_M, false);
    LlamaCppQuantization.Tensor qkv =
        t.stream().filter(x -> x.name().equals("blk.0.attn_qkv.weight")).findFirst().orElseThrow();
    // hidden 3,072, 32 heads and 32 KV heads of 96: (3,072 + 3,072 + 3,072) rows
    assertThat(qkv.rows()).isEqualTo(9216);
    assertThat(qkv.type()).isEqualTo(DType.parse("q6_k"));
    assertThat(t).noneMatch(x -> x.name().endsWith("attn_q.weight"));
  }

  /** Rows that are no multiple of the block fall back as tensor_type_fallback says. */
  @ParameterizedTest(name = "{1} on rows of {0} -> {2}")
  @CsvSource({
    "2880, q4_k, q5_0",
    "2880, q5_k, q5_1",
    "2880, q6_k, q8_0",
    "2880, iq4_xs, iq4_nl",
    "2880, q2_k, q4_0",
    "4096, q4_k, q4_k",
    "100, q4_k, f16"
  })
  void fallsBackWhenRowsDoNotFillBlocks(long columns, String type, String expected) {
    assertThat(LlamaCppQuantization.fallback(columns, DType.parse(type)))
        .isEqualTo(DType.parse(expected));
  }

  /**
   * Every file type plans but those without a block size here (NVFP4, Q1_0, Q2_0), and the float
   * types keep norms in F32.
   */
  @Test
  void everyFileTypeButNvfp4Q1_0AndQ2_0Plans() {
    LlamaCppQuantization q = catalog("llama-3.1-8b");
    for (LlamaCppFileType type : LlamaCppFileType.values()) {
      if (type.defaultType().isEmpty()) {
        assertThat(type).isIn(LlamaCppFileType.NVFP4, LlamaCppFileType.Q1_0, LlamaCppFileType.Q2_0);
        assertThatThrownBy(() -> q.weights(type))
            .hasMessage("llama.cpp file type " + type + " cannot be planned: no block size");
        continue;
      }
      CheckpointWeights w = q.weights(type);
      assertThat(w.parameters()).isEqualTo(8_030_261_248L);
      assertThat(w.totalBytes()).isPositive();
    }
    // F16: 8,030,261,248 parameters, of which 65 norms of 4,096 stay in F32 (4 bytes, not 2)
    assertThat(q.weights(LlamaCppFileType.F16).totalBytes())
        .isEqualTo(8_030_261_248L * 2 + 65L * 4096 * 2);
  }

  @Test
  void namesAndIdsFollowLlamaH() {
    assertThat(LlamaCppFileType.find("q4_k_m")).contains(LlamaCppFileType.Q4_K_M);
    assertThat(LlamaCppFileType.find("IQ4-XS")).contains(LlamaCppFileType.IQ4_XS);
    assertThat(LlamaCppFileType.find("q4_k")).isEmpty();
    assertThat(LlamaCppFileType.Q4_K_M.id()).isEqualTo(15);
    assertThat(LlamaCppFileType.ofId(32)).contains(LlamaCppFileType.BF16);
    assertThat(LlamaCppFileType.ofId(4)).isEmpty();
    // llama.h's last ids at the pinned commit; 33-35 were the removed Q4_0_4_4 repack types
    assertThat(LlamaCppFileType.ofId(40)).contains(LlamaCppFileType.Q1_0);
    assertThat(LlamaCppFileType.ofId(41)).contains(LlamaCppFileType.Q2_0);
    assertThat(LlamaCppFileType.ofId(33)).isEmpty();
    assertThat(LlamaCppFileType.ofId(35)).isEmpty();
    assertThat(LlamaCppFileType.IQ2_M.defaultType()).contains(DType.parse("iq2_s"));
    assertThat(LlamaCppFileType.IQ2_XS.requiresImatrix()).isTrue();
    assertThat(LlamaCppFileType.Q4_K_M.requiresImatrix()).isFalse();
  }

  private static DType typeOf(List<LlamaCppQuantization.Tensor> tensors, String name) {
    Map<String, DType> byName =
        tensors.stream()
            .collect(
                Collectors.toMap(
                    LlamaCppQuantization.Tensor::name,
                    LlamaCppQuantization.Tensor::type,
                    (a, b) -> a,
                    TreeMap::new));
    assertThat(byName).containsKey(name);
    return byName.get(name);
  }
}
