package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.api.Attention;
import io.hwledger.api.DType;
import io.hwledger.api.DenseMlp;
import io.hwledger.api.GatedDeltaNet;
import io.hwledger.api.LatentAttention;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.Mamba1;
import io.hwledger.api.Mamba2;
import io.hwledger.api.ModelConfigException;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.MoeMlp;
import io.hwledger.api.NoMlp;
import io.hwledger.api.NormKind;
import io.hwledger.api.Precision;
import io.hwledger.testsupport.Verifies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Expected values are the published numbers of each model's config.json and model card, written out
 * here; windows and layer kinds follow the layouts the model authors describe.
 */
@Verifies({"FR-CONFIG-001", "FR-CONFIG-002"})
class HfConfigReaderTest {

  private static ModelSpec catalog(String id) {
    return ModelCatalog.builtIn().spec(id);
  }

  private static Attention attention(LayerSpec layer) {
    assertThat(layer.mixer()).isInstanceOf(Attention.class);
    return (Attention) layer.mixer();
  }

  private static final Precision BF16 = Precision.of(DType.BF16, DType.BF16);

  /** A minimal Llama config with one field replaced or added. */
  private static String llama(String extra) {
    return "{\"model_type\":\"llama\",\"hidden_size\":4096,\"num_hidden_layers\":2,"
        + "\"num_attention_heads\":32,\"num_key_value_heads\":8,\"intermediate_size\":14336,"
        + "\"vocab_size\":128256,\"max_position_embeddings\":8192,\"torch_dtype\":\"bfloat16\""
        + (extra.isEmpty() ? "" : "," + extra)
        + "}";
  }

  @Nested
  class CatalogModels {
    @Test
    void llama31_8b() {
      ModelSpec s = catalog("llama-3.1-8b");
      assertThat(s.layerCount()).isEqualTo(32);
      assertThat(s.vocabSize()).isEqualTo(128_256);
      assertThat(s.hiddenSize()).isEqualTo(4096);
      assertThat(s.tiedEmbeddings()).isFalse();
      assertThat(s.norm()).isEqualTo(NormKind.RMS_NORM);
      // max(131072, 8192 · 8)
      assertThat(s.contextLimit()).hasValue(131_072);
      assertThat(s.defaultPrecision()).isEqualTo(BF16);
      for (LayerSpec l : s.layers()) {
        assertThat(l.mixer()).isEqualTo(Attention.full(32, 8, 128));
        assertThat(l.mlp()).isEqualTo(new DenseMlp(14_336, true, false));
        assertThat(l.norms()).isEqualTo(2);
      }
    }

    @Test
    void llama2_7bIsFp16Mha() {
      ModelSpec s = catalog("llama-2-7b");
      assertThat(s.vocabSize()).isEqualTo(32_000);
      assertThat(s.contextLimit()).hasValue(4096);
      assertThat(s.defaultPrecision()).isEqualTo(Precision.of(DType.FP16, DType.FP16));
      assertThat(s.layers().get(0).mixer()).isEqualTo(Attention.full(32, 32, 128));
      assertThat(s.layers().get(0).mlp()).isEqualTo(new DenseMlp(11_008, true, false));
    }

    @Test
    void mistral7bSlidesOnEveryLayer() {
      ModelSpec s = catalog("mistral-7b-v0.1");
      assertThat(s.layerCount()).isEqualTo(32);
      assertThat(s.contextLimit()).hasValue(32_768);
      for (LayerSpec l : s.layers()) {
        assertThat(l.mixer()).isEqualTo(Attention.full(32, 8, 128).withWindow(4096));
      }
    }

    @Test
    void mixtral8x7bIsMoeEverywhereWithoutWindow() {
      ModelSpec s = catalog("mixtral-8x7b-v0.1");
      for (LayerSpec l : s.layers()) {
        assertThat(l.mixer()).isEqualTo(Attention.full(32, 8, 128));
        assertThat(l.mlp()).isEqualTo(new MoeMlp(8, 2, 14_336, 0, true, false, false, false));
      }
      assertThat(catalog("mixtral-8x22b-v0.1").layers().get(55).mlp())
          .isEqualTo(new MoeMlp(8, 2, 16_384, 0, true, false, false, false));
    }

    @Test
    void qwen25_7bHasQkvBiasAndNoWindow() {
      ModelSpec s = catalog("qwen2.5-7b");
      assertThat(s.layerCount()).isEqualTo(28);
      assertThat(s.vocabSize()).isEqualTo(152_064);
      Attention a = attention(s.layers().get(27));
      assertThat(a.queryHeads()).isEqualTo(28);
      assertThat(a.kvHeads()).isEqualTo(4);
      assertThat(a.keyHeadDim()).isEqualTo(128);
      assertThat(a.windowTokens()).isEmpty(); // use_sliding_window false
      assertThat(a.qkvBias()).isTrue();
      assertThat(a.outputBias()).isFalse();
      assertThat(s.layers().get(0).mlp()).isEqualTo(new DenseMlp(18_944, true, false));
    }

    @Test
    void qwen3_30bA3b() {
      ModelSpec s = catalog("qwen3-30b-a3b");
      assertThat(s.layerCount()).isEqualTo(48);
      assertThat(s.contextLimit()).hasValue(40_960);
      Attention a = attention(s.layers().get(0));
      assertThat(a)
          .isEqualTo(
              new Attention(
                  32, 4, 128, 128, OptionalLong.empty(), false, false, true, false, false));
      assertThat(s.layers())
          .allSatisfy(
              l ->
                  assertThat(l.mlp())
                      .isEqualTo(new MoeMlp(128, 8, 768, 0, true, false, false, false)));
      assertThat(catalog("qwen3-235b-a22b").layers()).hasSize(94);
    }

    @Test
    void deepseekV3() {
      ModelSpec s = catalog("deepseek-v3");
      assertThat(s.layerCount()).isEqualTo(61); // the MTP layer is not counted
      assertThat(s.vocabSize()).isEqualTo(129_280);
      assertThat(s.contextLimit()).hasValue(163_840); // 4096 · 40
      LatentAttention mla = new LatentAttention(128, 1536, 512, 128, 64, 128);
      MoeMlp moe = new MoeMlp(256, 8, 2048, 2048, true, false, true, false);
      for (int i = 0; i < 61; i++) {
        assertThat(s.layers().get(i).mixer()).isEqualTo(mla);
        assertThat(s.layers().get(i).mlp())
            .isEqualTo(i < 3 ? new DenseMlp(18_432, true, false) : moe);
      }
      assertThat(s.defaultPrecision())
          .isEqualTo(
              new Precision(
                  DType.FP8_E4M3, DType.FP8_E4M3, DType.BF16, DType.BF16, DType.BF16, DType.BF16));
    }

    @Test
    void gemma2AlternatesLocalAndGlobal() {
      ModelSpec s = catalog("gemma-2-9b-it");
      assertThat(s.layerCount()).isEqualTo(42);
      assertThat(s.tiedEmbeddings()).isTrue(); // Gemma2Config default
      assertThat(s.contextLimit()).hasValue(8192);
      for (int i = 0; i < 42; i++) {
        Attention a = attention(s.layers().get(i));
        assertThat(a.queryHeads()).isEqualTo(16);
        assertThat(a.kvHeads()).isEqualTo(8);
        assertThat(a.keyHeadDim()).isEqualTo(256);
        assertThat(a.windowTokens())
            .isEqualTo(i % 2 == 0 ? OptionalLong.of(4096) : OptionalLong.empty());
        assertThat(s.layers().get(i).norms()).isEqualTo(4);
      }
    }

    @Test
    void gemma3_27bReadsTextConfigWithClassDefaults() {
      ModelSpec s = catalog("gemma-3-27b-it");
      assertThat(s.layerCount()).isEqualTo(62);
      assertThat(s.hiddenSize()).isEqualTo(5376);
      assertThat(s.vocabSize()).isEqualTo(262_208);
      assertThat(s.contextLimit()).hasValue(131_072);
      assertThat(s.defaultPrecision()).isEqualTo(BF16); // outer torch_dtype
      List<Integer> global =
          IntStream.range(0, 62)
              .filter(i -> attention(s.layers().get(i)).windowTokens().isEmpty())
              .boxed()
              .toList();
      assertThat(global).containsExactly(5, 11, 17, 23, 29, 35, 41, 47, 53, 59);
      Attention local = attention(s.layers().get(0));
      assertThat(local)
          .isEqualTo(
              new Attention(
                  32, 16, 128, 128, OptionalLong.of(1024), false, false, true, false, false));
    }

    @Test
    void gemma3_1b() {
      ModelSpec s = catalog("gemma-3-1b-it");
      assertThat(s.layerCount()).isEqualTo(26);
      assertThat(s.contextLimit()).hasValue(32_768);
      assertThat(attention(s.layers().get(5)).windowTokens()).isEmpty();
      assertThat(attention(s.layers().get(6)).windowTokens()).hasValue(512);
      assertThat(attention(s.layers().get(0)).kvHeads()).isEqualTo(1);
    }

    @Test
    void phi3MiniSlidesAndPhi4DoesNot() {
      ModelSpec mini = catalog("phi-3-mini-4k-instruct");
      assertThat(mini.layers().get(0).mixer())
          .isEqualTo(Attention.full(32, 32, 96).withWindow(2047));
      assertThat(mini.layers().get(0).mlp()).isEqualTo(new DenseMlp(8192, true, false));
      assertThat(catalog("phi-3-medium-4k-instruct").layers().get(0).mixer())
          .isEqualTo(Attention.full(40, 10, 128).withWindow(2047));
      assertThat(catalog("phi-4").layers().get(0).mixer()).isEqualTo(Attention.full(40, 10, 128));
    }

    @Test
    void llama4ScoutChunksThreeLayersInFour() {
      ModelSpec s = catalog("llama-4-scout-17b-16e-instruct");
      assertThat(s.layerCount()).isEqualTo(48);
      assertThat(s.vocabSize()).isEqualTo(202_048);
      assertThat(s.contextLimit()).hasValue(10_485_760);
      for (int i = 0; i < 48; i++) {
        Attention a = attention(s.layers().get(i));
        assertThat(a.windowTokens())
            .isEqualTo((i + 1) % 4 == 0 ? OptionalLong.empty() : OptionalLong.of(8192));
        assertThat(s.layers().get(i).mlp())
            .isEqualTo(new MoeMlp(16, 1, 8192, 8192, true, false, false, false));
      }
    }

    @Test
    void nemotronHFoldsMlpBlocksIntoTheMixerBefore() {
      ModelSpec s = catalog("nemotron-h-56b-base-8k");
      // 118 blocks: 54 Mamba-2, 10 attention, 54 MLP
      assertThat(s.layerCount()).isEqualTo(64);
      long mamba = s.layers().stream().filter(l -> l.mixer() instanceof Mamba2).count();
      long attn = s.layers().stream().filter(l -> l.mixer() instanceof Attention).count();
      assertThat(mamba).isEqualTo(54);
      assertThat(attn).isEqualTo(10);
      long withMlp = s.layers().stream().filter(l -> l.mlp() instanceof DenseMlp).count();
      assertThat(withMlp).isEqualTo(54);
      // "M-M-M-M*-": blocks 0..8 → M+-, M+-, M+-, M, *+-
      assertThat(s.layers().get(3).mlp()).isEqualTo(NoMlp.INSTANCE);
      assertThat(s.layers().get(3).norms()).isEqualTo(1);
      assertThat(s.layers().get(4).mixer()).isEqualTo(Attention.full(64, 8, 128));
      assertThat(s.layers().get(4).mlp()).isEqualTo(new DenseMlp(32_768, false, false));
      assertThat(s.layers().get(4).norms()).isEqualTo(2);
      assertThat(s.layers().get(0).mixer())
          .isEqualTo(new Mamba2(16_384, 256, 4, 8, 256, 64, true, false));
      assertThat(s.contextLimit()).hasValue(8192);
    }

    @Test
    void qwen3NextIsThreeDeltaNetsPerGatedAttention() {
      ModelSpec s = catalog("qwen3-next-80b-a3b-instruct");
      assertThat(s.layerCount()).isEqualTo(48);
      assertThat(s.contextLimit()).hasValue(262_144);
      MoeMlp moe = new MoeMlp(512, 10, 512, 512, true, false, false, true);
      for (int i = 0; i < 48; i++) {
        LayerSpec l = s.layers().get(i);
        if ((i + 1) % 4 == 0) {
          assertThat(l.mixer())
              .isEqualTo(
                  new Attention(
                      16, 2, 256, 256, OptionalLong.empty(), false, false, true, true, false));
        } else {
          assertThat(l.mixer()).isEqualTo(new GatedDeltaNet(16, 32, 128, 128, 4));
        }
        assertThat(l.mlp()).isEqualTo(moe);
      }
    }

    @Test
    void gptOss20b() {
      ModelSpec s = catalog("gpt-oss-20b");
      assertThat(s.layerCount()).isEqualTo(24);
      assertThat(s.vocabSize()).isEqualTo(201_088);
      assertThat(s.contextLimit()).hasValue(131_072);
      for (int i = 0; i < 24; i++) {
        assertThat(s.layers().get(i).mixer())
            .isEqualTo(
                new Attention(
                    64,
                    8,
                    64,
                    64,
                    i % 2 == 0 ? OptionalLong.of(128) : OptionalLong.empty(),
                    true,
                    true,
                    false,
                    false,
                    true));
        assertThat(s.layers().get(i).mlp())
            .isEqualTo(new MoeMlp(32, 4, 2880, 0, true, true, true, false));
      }
      assertThat(s.defaultPrecision())
          .isEqualTo(
              new Precision(
                  DType.BF16, DType.MXFP4, DType.BF16, DType.BF16, DType.BF16, DType.BF16));
      assertThat(catalog("gpt-oss-120b").layers()).hasSize(36);
    }

    @Test
    void falcon7bIsMqaWithOneLayerNorm() {
      ModelSpec s = catalog("falcon-7b");
      assertThat(s.norm()).isEqualTo(NormKind.LAYER_NORM);
      assertThat(s.tiedEmbeddings()).isTrue();
      assertThat(s.contextLimit()).hasValue(2048);
      LayerSpec l = s.layers().get(0);
      assertThat(l.mixer()).isEqualTo(Attention.full(71, 1, 64));
      assertThat(l.mlp()).isEqualTo(new DenseMlp(4 * 4544, false, false));
      assertThat(l.norms()).isEqualTo(1);
    }

    @Test
    void falcon40bIsTheNewDecoderArchitecture() {
      ModelSpec s = catalog("falcon-40b");
      assertThat(s.layerCount()).isEqualTo(60);
      LayerSpec l = s.layers().get(0);
      assertThat(l.mixer()).isEqualTo(Attention.full(128, 8, 64));
      assertThat(l.mlp()).isEqualTo(new DenseMlp(32_768, false, false));
      assertThat(l.norms()).isEqualTo(2);
    }

    @Test
    void mamba28b() {
      ModelSpec s = catalog("mamba-2.8b");
      assertThat(s.layerCount()).isEqualTo(64);
      assertThat(s.contextLimit()).isEmpty();
      assertThat(s.tiedEmbeddings()).isTrue();
      assertThat(s.defaultPrecision()).isEqualTo(Precision.of(DType.FP32, DType.FP32));
      assertThat(s.layers().get(0))
          .isEqualTo(
              new LayerSpec(new Mamba1(5120, 16, 4, 160, true, false, false), NoMlp.INSTANCE, 1));
    }

    @Test
    void mamba2InTheMambaSsmFormatPadsItsVocabulary() {
      ModelSpec s = catalog("mamba2-2.7b");
      assertThat(s.vocabSize()).isEqualTo(50_288); // 50277 up to a multiple of 16
      assertThat(s.hiddenSize()).isEqualTo(2560);
      assertThat(s.layerCount()).isEqualTo(64);
      assertThat(s.tiedEmbeddings()).isTrue();
      assertThat(s.contextLimit()).isEmpty();
      assertThat(s.layers().get(0))
          .isEqualTo(
              new LayerSpec(new Mamba2(5120, 128, 4, 1, 80, 64, true, false), NoMlp.INSTANCE, 1));
    }

    @Test
    void jamba15Mini() {
      ModelSpec s = catalog("jamba-1.5-mini");
      assertThat(s.layerCount()).isEqualTo(32);
      for (int i = 0; i < 32; i++) {
        LayerSpec l = s.layers().get(i);
        if (i % 8 == 4) {
          assertThat(l.mixer()).isEqualTo(Attention.full(32, 8, 128));
        } else {
          assertThat(l.mixer()).isEqualTo(new Mamba1(8192, 16, 4, 256, true, false, true));
        }
        assertThat(l.mlp())
            .isEqualTo(
                i % 2 == 1
                    ? new MoeMlp(16, 2, 14_336, 0, true, false, false, false)
                    : new DenseMlp(14_336, true, false));
      }
    }
  }

  @Nested
  class Aliases {
    @ParameterizedTest
    @ValueSource(strings = {"num_hidden_layers", "n_layer", "n_layers", "num_layers"})
    void layers(String key) {
      String json =
          "{\"model_type\":\"llama\",\"hidden_size\":64,\""
              + key
              + "\":3,\"num_attention_heads\":4,\"num_key_value_heads\":2,\"intermediate_size\":128,"
              + "\"vocab_size\":100,\"max_position_embeddings\":512,\"torch_dtype\":\"float16\"}";
      assertThat(HfConfigReader.parse(json, "m").layerCount()).isEqualTo(3);
    }

    @ParameterizedTest
    @CsvSource({
      "hidden_size,num_attention_heads,num_key_value_heads,intermediate_size,max_position_embeddings",
      "n_embd,n_head,n_head_kv,ffn_hidden_size,n_positions",
      "d_model,n_heads,num_kv_heads,n_inner,max_seq_len",
      "dim,num_heads,n_kv_heads,hidden_dim,seq_length",
      "hidden_size,num_attention_heads,multi_query_group_num,intermediate_size,max_position_embeddings",
    })
    void everyAlias(String hidden, String heads, String kv, String ffn, String ctx) {
      String json =
          String.format(
              "{\"model_type\":\"llama\",\"%s\":64,\"num_hidden_layers\":1,\"%s\":4,\"%s\":2,"
                  + "\"%s\":128,\"vocab_size\":100,\"%s\":512,\"torch_dtype\":\"float16\"}",
              hidden, heads, kv, ffn, ctx);
      ModelSpec s = HfConfigReader.parse(json, "m");
      assertThat(s.hiddenSize()).isEqualTo(64);
      assertThat(s.layers().get(0).mixer()).isEqualTo(Attention.full(4, 2, 16));
      assertThat(s.layers().get(0).mlp()).isEqualTo(new DenseMlp(128, true, false));
      assertThat(s.contextLimit()).hasValue(512);
    }

    @ParameterizedTest
    @ValueSource(strings = {"head_dim", "kv_channels", "d_kv"})
    void headDim(String key) {
      ModelSpec s = HfConfigReader.parse(llama("\"" + key + "\":96"), "m");
      assertThat(attention(s.layers().get(0)).keyHeadDim()).isEqualTo(96);
    }

    @Test
    void nullHeadDimIsHiddenOverHeads() {
      ModelSpec s = HfConfigReader.parse(llama("\"head_dim\":null"), "m");
      assertThat(attention(s.layers().get(0)).keyHeadDim()).isEqualTo(128);
    }

    @Test
    void nestedKvHeadsOfMptStyleConfigs() {
      String json =
          "{\"model_type\":\"llama\",\"hidden_size\":64,\"num_hidden_layers\":1,\"n_heads\":4,"
              + "\"attn_config\":{\"kv_n_heads\":1},\"intermediate_size\":128,\"vocab_size\":10,"
              + "\"max_seq_len\":2048,\"torch_dtype\":\"bfloat16\"}";
      assertThat(attention(HfConfigReader.parse(json, "m").layers().get(0)).kvHeads()).isEqualTo(1);
    }

    @Test
    void multiQueryMeansOneKvHead() {
      String json = llama("\"multi_query\":true").replace("\"num_key_value_heads\":8,", "");
      assertThat(attention(HfConfigReader.parse(json, "m").layers().get(0)).kvHeads()).isEqualTo(1);
    }

    @Test
    void llamaWithoutKvHeadsIsMha() {
      // LlamaConfig: num_key_value_heads None → num_attention_heads
      String json = llama("").replace("\"num_key_value_heads\":8,", "");
      assertThat(attention(HfConfigReader.parse(json, "m").layers().get(0)).kvHeads())
          .isEqualTo(32);
    }

    @Test
    void tieEmbeddingsAlias() {
      assertThat(HfConfigReader.parse(llama("\"tie_embeddings\":true"), "m").tiedEmbeddings())
          .isTrue();
      assertThat(HfConfigReader.parse(llama(""), "m").tiedEmbeddings()).isFalse();
    }

    @Test
    void newerDtypeKey() {
      String json = llama("\"dtype\":\"float32\"").replace("\"torch_dtype\":\"bfloat16\",", "");
      json = json.replace(",\"torch_dtype\":\"bfloat16\"", "");
      assertThat(HfConfigReader.parse(json, "m").defaultPrecision())
          .isEqualTo(Precision.of(DType.FP32, DType.FP32));
    }
  }

  @Nested
  class Nesting {
    @Test
    void textConfigSuppliesTheDecoderAndOuterTheDtype() {
      String json =
          "{\"model_type\":\"wrapper\",\"torch_dtype\":\"float16\",\"tie_word_embeddings\":true,"
              + "\"text_config\":{\"model_type\":\"llama\",\"hidden_size\":64,\"num_hidden_layers\":2,"
              + "\"num_attention_heads\":4,\"num_key_value_heads\":4,\"intermediate_size\":96,"
              + "\"vocab_size\":300,\"max_position_embeddings\":1024},"
              + "\"vision_config\":{\"hidden_size\":9999,\"num_hidden_layers\":99}}";
      ModelSpec s = HfConfigReader.parse(json, "wrapped");
      assertThat(s.name()).isEqualTo("wrapped");
      assertThat(s.hiddenSize()).isEqualTo(64);
      assertThat(s.layerCount()).isEqualTo(2);
      assertThat(s.tiedEmbeddings()).isTrue();
      assertThat(s.defaultPrecision()).isEqualTo(Precision.of(DType.FP16, DType.FP16));
    }

    @Test
    void innerDtypeWins() {
      String json =
          "{\"torch_dtype\":\"float32\",\"text_config\":{\"model_type\":\"llama\","
              + "\"hidden_size\":64,\"num_hidden_layers\":1,\"num_attention_heads\":4,"
              + "\"intermediate_size\":96,\"vocab_size\":300,\"max_position_embeddings\":1024,"
              + "\"torch_dtype\":\"bfloat16\"}}";
      assertThat(HfConfigReader.parse(json, "m").defaultPrecision()).isEqualTo(BF16);
    }
  }

  @Nested
  class Errors {
    @Test
    void missingLayersNamesEveryAlias() {
      String json = llama("").replace("\"num_hidden_layers\":2,", "");
      assertThatThrownBy(() -> HfConfigReader.parse(json, "m"))
          .isInstanceOf(ModelConfigException.class)
          .hasMessage(
              "config.json: missing 'num_hidden_layers' (also read as n_layer, n_layers,"
                  + " num_layers)");
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "\"hidden_size\":4096,|config.json: missing 'hidden_size' (also read as n_embd, d_model, dim)",
          "\"num_attention_heads\":32,|config.json: missing 'num_attention_heads' (also read as n_head, n_heads, num_heads)",
          "\"intermediate_size\":14336,|config.json: missing 'intermediate_size' (also read as ffn_hidden_size, n_inner, hidden_dim)",
          "\"vocab_size\":128256,|config.json: missing 'vocab_size'",
          "\"max_position_embeddings\":8192,|config.json: missing 'max_position_embeddings' (also read as n_positions, max_seq_len, seq_length)",
        })
    void missingField(String removed, String message) {
      String json = llama("").replace(removed, "");
      assertThatThrownBy(() -> HfConfigReader.parse(json, "m"))
          .isInstanceOf(ModelConfigException.class)
          .hasMessage(message);
    }

    @Test
    void missingDtype() {
      String json = llama("").replace(",\"torch_dtype\":\"bfloat16\"", "");
      assertThatThrownBy(() -> HfConfigReader.parse(json, "m"))
          .hasMessage("config.json: missing 'torch_dtype' (also read as dtype)");
    }

    @Test
    void missingKvHeadsForAMistral() {
      String json =
          llama("").replace("\"llama\"", "\"mixtral\"").replace("\"num_key_value_heads\":8,", "");
      assertThatThrownBy(() -> HfConfigReader.parse(json, "m"))
          .hasMessageStartingWith("config.json: missing 'num_key_value_heads'");
    }

    @Test
    void malformedJsonGivesLineAndColumn() {
      String json = "{\n  \"hidden_size\": 64,\n  \"n_layer\": }";
      assertThatThrownBy(() -> HfConfigReader.parse(json, "m"))
          .isInstanceOf(ModelConfigException.class)
          .hasMessageStartingWith("config.json: malformed JSON at line 3, column 14")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1, 2]", "42", "\"text\"", ""})
    void notAnObject(String json) {
      assertThatThrownBy(() -> HfConfigReader.parse(json, "m"))
          .isInstanceOf(ModelConfigException.class)
          .hasMessageStartingWith("config.json: ");
    }

    @Test
    void wrongType() {
      String json = llama("").replace("\"num_hidden_layers\":2", "\"num_hidden_layers\":\"2\"");
      assertThatThrownBy(() -> HfConfigReader.parse(json, "m"))
          .hasMessage("config.json: 'num_hidden_layers' must be an integer, was \"2\"");
    }

    @Test
    void fractionalCount() {
      String json = llama("").replace("\"num_hidden_layers\":2", "\"num_hidden_layers\":2.5");
      assertThatThrownBy(() -> HfConfigReader.parse(json, "m"))
          .hasMessage("config.json: 'num_hidden_layers' must be an integer, was 2.5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-4", "0"})
    void nonPositive(String value) {
      String json = llama("").replace("\"hidden_size\":4096", "\"hidden_size\":" + value);
      assertThatThrownBy(() -> HfConfigReader.parse(json, "m"))
          .hasMessage("config.json: 'hidden_size' must be positive, was " + value);
    }

    @Test
    void overflow() {
      String json = llama("").replace("\"hidden_size\":4096", "\"hidden_size\":4294967296");
      assertThatThrownBy(() -> HfConfigReader.parse(json, "m"))
          .hasMessage("config.json: 'hidden_size' is too large, was 4294967296");
      String huge = llama("").replace("\"vocab_size\":128256", "\"vocab_size\":1e400");
      assertThatThrownBy(() -> HfConfigReader.parse(huge, "m"))
          .isInstanceOf(ModelConfigException.class)
          .hasMessageContaining("'vocab_size'");
    }

    @Test
    void moreKvHeadsThanHeads() {
      String json = llama("").replace("\"num_key_value_heads\":8", "\"num_key_value_heads\":64");
      assertThatThrownBy(() -> HfConfigReader.parse(json, "m"))
          .isInstanceOf(ModelConfigException.class)
          .hasMessageContaining("kvHeads (64) must not exceed queryHeads (32)");
    }

    @Test
    void unknownTypeWithMoeKeysIsRefused() {
      String json = llama("\"num_experts\":8").replace("\"llama\"", "\"grok\"");
      assertThatThrownBy(() -> HfConfigReader.parse(json, "m"))
          .hasMessageStartingWith("config.json: unsupported model_type 'grok'")
          .hasMessageContaining("known: deepseek_v2");
    }

    @Test
    void unknownDenseTypeIsRefusedNotReadAsLlama() {
      // An unlisted type may be anything (OPT's ungated MLP, post-norm OLMo-2, ...): no guess.
      assertThatThrownBy(
              () -> HfConfigReader.parse(llama("").replace("\"llama\"", "\"internlm2\""), "m"))
          .isInstanceOf(ModelConfigException.class)
          .hasMessageStartingWith(
              "config.json: unsupported model_type 'internlm2': its layout is not known to this"
                  + " reader (known: ")
          .hasMessageContaining("llama, llama4")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void unsupportedQuantization() {
      String json = llama("\"quantization_config\":{\"quant_method\":\"bitsandbytes\"}");
      assertThatThrownBy(() -> HfConfigReader.parse(json, "m"))
          .hasMessage("config.json: unsupported quantization_config.quant_method 'bitsandbytes'");
    }

    @Test
    void eightBitGptqIsRefused() {
      String json =
          llama(
              "\"quantization_config\":{\"quant_method\":\"gptq\",\"bits\":8,\"group_size\":128}");
      assertThatThrownBy(() -> HfConfigReader.parse(json, "m")).hasMessageContaining("bits 8");
    }

    @Test
    void slidingLayerWithoutWindow() {
      String json = llama("\"layer_types\":[\"sliding_attention\",\"full_attention\"]");
      assertThatThrownBy(() -> HfConfigReader.parse(json, "m"))
          .hasMessageContaining("'sliding_window' is missing");
    }

    @Test
    void layerTypesOfTheWrongLength() {
      String json = llama("\"layer_types\":[\"full_attention\"]");
      assertThatThrownBy(() -> HfConfigReader.parse(json, "m"))
          .hasMessage("config.json: 'layer_types' has 1 entries but the model has 2 layers");
    }
  }

  @Nested
  class Rules {
    @Test
    void ropeScalingRaisesTheContext() {
      String json =
          llama(
              "\"rope_scaling\":{\"rope_type\":\"yarn\",\"factor\":4.0,"
                  + "\"original_max_position_embeddings\":32768}");
      assertThat(HfConfigReader.parse(json, "m").contextLimit()).hasValue(131_072);
      String linear = llama("\"rope_scaling\":{\"rope_type\":\"linear\",\"factor\":8.0}");
      assertThat(HfConfigReader.parse(linear, "m").contextLimit()).hasValue(8192);
    }

    @Test
    void qwen2SlidesFromMaxWindowLayersOnlyWhenEnabled() {
      String base =
          llama("\"use_sliding_window\":true,\"sliding_window\":1024,\"max_window_layers\":1")
              .replace("\"llama\"", "\"qwen2\"");
      ModelSpec s = HfConfigReader.parse(base, "m");
      assertThat(attention(s.layers().get(0)).windowTokens()).isEmpty();
      assertThat(attention(s.layers().get(1)).windowTokens()).hasValue(1024);
    }

    @Test
    void attentionBiasCoversOutputToo() {
      Attention a =
          attention(HfConfigReader.parse(llama("\"attention_bias\":true"), "m").layers().get(0));
      assertThat(a.qkvBias()).isTrue();
      assertThat(a.outputBias()).isTrue();
    }

    @Test
    void awqIsInt4WithItsGroup() {
      String json =
          llama("\"quantization_config\":{\"quant_method\":\"awq\",\"bits\":4,\"group_size\":64}")
              .replace("bfloat16", "float16");
      Precision p = HfConfigReader.parse(json, "m").defaultPrecision();
      assertThat(p.weights()).isEqualTo(DType.int4(64));
      assertThat(p.expertWeights()).isEqualTo(DType.int4(64));
      assertThat(p.unquantizedWeights()).isEqualTo(DType.FP16);
      assertThat(p.keyCache()).isEqualTo(DType.FP16);
    }

    @Test
    void fp8E5m2() {
      String json = llama("\"quantization_config\":{\"quant_method\":\"fp8\",\"fmt\":\"e5m2\"}");
      assertThat(HfConfigReader.parse(json, "m").defaultPrecision().weights())
          .isEqualTo(DType.FP8_E5M2);
    }

    @Test
    void qwen2MoeSparseStepAndSharedExpert() {
      String json =
          llama(
                  "\"num_experts\":60,\"num_experts_per_tok\":4,\"moe_intermediate_size\":1408,"
                      + "\"shared_expert_intermediate_size\":5632,\"decoder_sparse_step\":2,"
                      + "\"mlp_only_layers\":[]")
              .replace("\"llama\"", "\"qwen2_moe\"")
              .replace("\"num_hidden_layers\":2", "\"num_hidden_layers\":4");
      ModelSpec s = HfConfigReader.parse(json, "m");
      MoeMlp moe = new MoeMlp(60, 4, 1408, 5632, true, false, false, true);
      DenseMlp dense = new DenseMlp(14_336, true, false);
      assertThat(s.layers()).extracting(LayerSpec::mlp).containsExactly(dense, moe, dense, moe);
    }

    @Test
    void mambaSsmFormatWithMlpAndAttention() {
      String json =
          "{\"d_model\":256,\"d_intermediate\":600,\"n_layer\":3,\"vocab_size\":1001,"
              + "\"ssm_cfg\":{},\"attn_layer_idx\":[1],\"attn_cfg\":{\"num_heads\":8},"
              + "\"rms_norm\":false,\"pad_vocab_size_multiple\":8,\"tie_embeddings\":false}";
      ModelSpec s = HfConfigReader.parse(json, "hybrid");
      assertThat(s.vocabSize()).isEqualTo(1008);
      assertThat(s.norm()).isEqualTo(NormKind.LAYER_NORM);
      assertThat(s.layers().get(0).mixer())
          .isEqualTo(new Mamba1(512, 16, 4, 16, true, false, false));
      assertThat(s.layers().get(1).mixer())
          .isEqualTo(
              new Attention(8, 8, 32, 32, OptionalLong.empty(), true, true, false, false, false));
      assertThat(s.layers().get(0).mlp()).isEqualTo(new DenseMlp(640, true, false));
      assertThat(s.layers().get(0).norms()).isEqualTo(2);
      assertThat(s.defaultPrecision()).isEqualTo(Precision.of(DType.FP32, DType.FP32));
    }
  }

  @Nested
  class Files_ {
    @Test
    void readNamesTheModelAfterItsDirectory(@TempDir Path dir) throws Exception {
      Path model = Files.createDirectory(dir.resolve("My-Model-7B"));
      Path config = model.resolve("config.json");
      Files.writeString(config, llama(""), StandardCharsets.UTF_8);
      assertThat(HfConfigReader.read(config).name()).isEqualTo("My-Model-7B");
    }

    @Test
    void unreadableFileNamesThePath(@TempDir Path dir) {
      Path missing = dir.resolve("absent/config.json");
      assertThatThrownBy(() -> HfConfigReader.read(missing))
          .isInstanceOf(ModelConfigException.class)
          .hasMessageContaining(missing.toString());
    }

    @Test
    void parseErrorsFromAFileNameThePath(@TempDir Path dir) throws Exception {
      Path config = dir.resolve("config.json");
      Files.writeString(config, "{", StandardCharsets.UTF_8);
      assertThatThrownBy(() -> HfConfigReader.read(config))
          .hasMessageStartingWith(config + ": malformed JSON");
    }
  }
}
