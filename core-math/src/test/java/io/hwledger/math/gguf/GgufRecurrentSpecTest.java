package io.hwledger.math.gguf;

import static io.hwledger.math.fixtures.GgufWriter.arr;
import static io.hwledger.math.gguf.GgufSpecTest.assertMatchesCatalog;
import static io.hwledger.math.gguf.GgufSpecTest.assertStructureMatchesCatalog;
import static io.hwledger.math.gguf.GgufSpecTest.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.api.DType;
import io.hwledger.api.ModelConfigException;
import io.hwledger.math.CheckpointWeights;
import io.hwledger.math.fixtures.GgufWriter;
import io.hwledger.testsupport.Verifies;
import org.junit.jupiter.api.Test;

/**
 * Recurrent and hybrid GGUF files (mamba, mamba2, jamba, nemotron_h, qwen3next) written with the
 * keys and tensor shapes llama.cpp's {@code convert_hf_to_gguf.py} and {@code llama-model.cpp} use,
 * compared with the catalog's spec of the same published model read from its {@code config.json}.
 * Projections are F16/BF16; norms, biases, convolutions and A are F32.
 */
@Verifies("FR-GGUF-002")
class GgufRecurrentSpecTest {
  private static final DType F32 = DType.FP32;
  private static final DType F16 = DType.FP16;
  private static final DType BF16 = DType.BF16;

  private static void t(GgufWriter w, int i, String name, DType type, long... dims) {
    w.tensor("blk." + i + "." + name, type, dims);
  }

  /** The INT32 array llama.cpp's converter writes for a per-layer key. */
  private static GgufWriter.Arr int32s(int[] values) {
    Object[] boxed = new Object[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return arr(GgufType.INT32, boxed);
  }

  @Test
  void mamba28bIsSixtyFourMamba1Layers() {
    // state-spaces/mamba-2.8b-hf: MambaModel.set_gguf_parameters writes d_conv 4, d_inner 5120,
    // d_state 16, dt_rank 160, context 2^20 ("arbitrary"), head_count and feed_forward_length 0.
    GgufWriter w =
        model("mamba", 64, 2560, 50280)
            .u32("mamba.context_length", 1L << 20)
            .u32("mamba.feed_forward_length", 0)
            .u32("mamba.attention.head_count", 0)
            .u32("mamba.ssm.conv_kernel", 4)
            .u32("mamba.ssm.inner_size", 5120)
            .u32("mamba.ssm.state_size", 16)
            .u32("mamba.ssm.time_step_rank", 160)
            .kv("mamba.ssm.dt_b_c_rms", GgufType.BOOL, false);
    for (int i = 0; i < 64; i++) {
      // llama-model.cpp LLM_ARCH_MAMBA shapes, ggml order
      t(w, i, "attn_norm.weight", F32, 2560);
      t(w, i, "ssm_in.weight", F16, 2560, 2 * 5120);
      t(w, i, "ssm_conv1d.weight", F32, 4, 5120);
      t(w, i, "ssm_conv1d.bias", F32, 5120);
      t(w, i, "ssm_x.weight", F16, 5120, 160 + 2 * 16);
      t(w, i, "ssm_dt.weight", F16, 160, 5120);
      t(w, i, "ssm_dt.bias", F32, 5120);
      t(w, i, "ssm_a", F32, 16, 5120);
      t(w, i, "ssm_d", F32, 5120);
      t(w, i, "ssm_out.weight", F16, 5120, 2560);
    }
    GgufFile f = GgufReaderTest.read(w.header());
    assertMatchesCatalog(f, "mamba-2.8b");
    assertThat(f.modelSpec().contextLimit()).isEmpty();
    CheckpointWeights cw = f.checkpointWeights();
    // 2560 × 50280 × 2 B
    assertThat(cw.embeddingBytes()).isEqualTo(257_433_600L);
    assertThat(cw.outputBytes()).isZero();
    // in 2560·10240·2 = 52,428,800; conv 4·5120·4 + 5120·4 = 102,400; x 5120·192·2 = 1,966,080;
    // dt 160·5120·2 + 5120·4 = 1,658,880; A 16·5120·4 = 327,680; D 20,480;
    // out 5120·2560·2 = 26,214,400; norm 10,240: 82,728,960
    assertThat(cw.layerBytes()).hasSize(64).containsOnly(82_728_960L);
  }

  @Test
  void mamba2_27bHasEightyHeadsFromTimeStepRank() {
    // state-spaces/mamba2-2.7b: Mamba2Model writes time_step_rank = d_inner / head_dim = 80 heads,
    // group_count 1, d_state 128; the vocabulary is padded from 50277 to 50288 (multiple of 16).
    GgufWriter w =
        model("mamba2", 64, 2560, 50288)
            .u32("mamba2.context_length", 1L << 20)
            .u32("mamba2.feed_forward_length", 0)
            .u32("mamba2.attention.head_count", 0)
            .u32("mamba2.ssm.conv_kernel", 4)
            .u32("mamba2.ssm.inner_size", 5120)
            .u32("mamba2.ssm.state_size", 128)
            .u32("mamba2.ssm.time_step_rank", 80)
            .u32("mamba2.ssm.group_count", 1);
    for (int i = 0; i < 64; i++) {
      // llama-model.cpp LLM_ARCH_MAMBA2: d_in_proj = 2·5120 + 2·1·128 + 80 = 10576,
      // conv channels 5120 + 2·1·128 = 5376
      t(w, i, "attn_norm.weight", F32, 2560);
      t(w, i, "ssm_in.weight", F16, 2560, 10576);
      t(w, i, "ssm_conv1d.weight", F32, 4, 5376);
      t(w, i, "ssm_conv1d.bias", F32, 5376);
      t(w, i, "ssm_dt.bias", F32, 80);
      t(w, i, "ssm_a", F32, 1, 80);
      t(w, i, "ssm_d", F32, 1, 80);
      t(w, i, "ssm_norm.weight", F32, 5120, 1);
      t(w, i, "ssm_out.weight", F16, 5120, 2560);
    }
    GgufFile f = GgufReaderTest.read(w.header());
    assertMatchesCatalog(f, "mamba2-2.7b");
    CheckpointWeights cw = f.checkpointWeights();
    // 2560 × 50288 × 2 B
    assertThat(cw.embeddingBytes()).isEqualTo(257_474_560L);
    // in 2560·10576·2 = 54,149,120; conv 4·5376·4 + 5376·4 = 107,520; dt, A, D 3·80·4 = 960;
    // norm 5120·4 = 20,480; out 26,214,400; attn_norm 10,240: 80,502,720
    assertThat(cw.layerBytes()).hasSize(64).containsOnly(80_502_720L);
  }

  @Test
  void jamba15MiniHasMambaLayersWhereKvHeadsAreZero() {
    // ai21labs/AI21-Jamba-1.5-Mini: 32 layers, attention at i % 8 == 4 (head_count_kv 8, else 0),
    // MoE (16 experts, top 2) on odd layers, d_inner 8192, d_state 16, dt_rank 256.
    int[] kv = new int[32];
    for (int i = 4; i < 32; i += 8) {
      kv[i] = 8;
    }
    GgufWriter w =
        model("jamba", 32, 4096, 65536)
            .u32("jamba.context_length", 262144)
            .u32("jamba.feed_forward_length", 14336)
            .u32("jamba.attention.head_count", 32)
            .kv("jamba.attention.head_count_kv", GgufType.ARRAY, int32s(kv))
            .u32("jamba.ssm.conv_kernel", 4)
            .u32("jamba.ssm.inner_size", 8192)
            .u32("jamba.ssm.state_size", 16)
            .u32("jamba.ssm.time_step_rank", 256)
            .u32("jamba.expert_count", 16)
            .u32("jamba.expert_used_count", 2)
            .tensor("output.weight", BF16, 4096, 65536);
    for (int i = 0; i < 32; i++) {
      t(w, i, "attn_norm.weight", F32, 4096);
      if (kv[i] > 0) {
        t(w, i, "attn_q.weight", BF16, 4096, 4096);
        t(w, i, "attn_k.weight", BF16, 4096, 1024);
        t(w, i, "attn_v.weight", BF16, 4096, 1024);
        t(w, i, "attn_output.weight", BF16, 4096, 4096);
      } else {
        t(w, i, "ssm_in.weight", BF16, 4096, 16384);
        t(w, i, "ssm_conv1d.weight", F32, 4, 8192);
        t(w, i, "ssm_conv1d.bias", F32, 8192);
        t(w, i, "ssm_x.weight", BF16, 8192, 256 + 2 * 16);
        t(w, i, "ssm_dt_norm.weight", F32, 256);
        t(w, i, "ssm_b_norm.weight", F32, 16);
        t(w, i, "ssm_c_norm.weight", F32, 16);
        t(w, i, "ssm_dt.weight", BF16, 256, 8192);
        t(w, i, "ssm_dt.bias", F32, 8192);
        t(w, i, "ssm_a", F32, 16, 8192);
        t(w, i, "ssm_d", F32, 8192);
        t(w, i, "ssm_out.weight", BF16, 8192, 4096);
      }
      t(w, i, "ffn_norm.weight", F32, 4096);
      if (i % 2 == 1) {
        t(w, i, "ffn_gate_inp.weight", BF16, 4096, 16);
        t(w, i, "ffn_gate_exps.weight", BF16, 4096, 14336, 16);
        t(w, i, "ffn_up_exps.weight", BF16, 4096, 14336, 16);
        t(w, i, "ffn_down_exps.weight", BF16, 14336, 4096, 16);
      } else {
        t(w, i, "ffn_gate.weight", BF16, 4096, 14336);
        t(w, i, "ffn_up.weight", BF16, 4096, 14336);
        t(w, i, "ffn_down.weight", BF16, 14336, 4096);
      }
    }
    GgufFile f = GgufReaderTest.read(w.header());
    assertMatchesCatalog(f, "jamba-1.5-mini");
    CheckpointWeights cw = f.checkpointWeights();
    // 4096 × 65536 × 2 B, twice (untied)
    assertThat(cw.embeddingBytes()).isEqualTo(536_870_912L);
    assertThat(cw.outputBytes()).isEqualTo(536_870_912L);
    // Mamba mixer: norm 16,384; in 4096·16384·2 = 134,217,728; conv 4·8192·4 + 8192·4 = 163,840;
    // x 8192·288·2 = 4,718,592; dt/B/C norms (256 + 32)·4 = 1,152; dt 256·8192·2 + 8192·4 =
    // 4,227,072; A 524,288; D 32,768; out 67,108,864: 211,010,688.
    // Attention: norm 16,384 + q, o 2·33,554,432 + k, v 2·8,388,608 = 83,902,464.
    // Dense MLP: norm 16,384 + 3 · 4096·14336·2 = 352,337,920.
    // MoE: norm 16,384 + router 131,072 + 3 · 4096·14336·16·2 = 5,637,292,032.
    assertThat(cw.layerBytes().get(0)).isEqualTo(211_010_688L + 352_337_920L);
    assertThat(cw.layerBytes().get(1)).isEqualTo(211_010_688L + 5_637_292_032L);
    assertThat(cw.layerBytes().get(4)).isEqualTo(83_902_464L + 352_337_920L);
  }

  @Test
  void nemotronH56bFoldsMlpBlocksIntoTheMixerBlockBefore() {
    // nvidia/Nemotron-H-56B-Base-8K: hybrid_override_pattern gives 118 blocks; GraniteHybridModel
    // writes d_inner = mamba_num_heads · mamba_head_dim = 16384, time_step_rank = 256 heads,
    // group_count 8, d_state 256; NemotronHModel head_count_kv (8 at '*') and feed_forward_length
    // (32768 at '-') arrays, key/value_length 128, context 2^20 (no RoPE).
    String pattern = NEMOTRON_H_56B_PATTERN;
    int blocks = pattern.length();
    int[] kv = new int[blocks];
    int[] ffn = new int[blocks];
    for (int i = 0; i < blocks; i++) {
      kv[i] = pattern.charAt(i) == '*' ? 8 : 0;
      ffn[i] = pattern.charAt(i) == '-' ? 32768 : 0;
    }
    GgufWriter w =
        model("nemotron_h", blocks, 8192, 131072)
            .u32("nemotron_h.context_length", 1L << 20)
            .kv("nemotron_h.feed_forward_length", GgufType.ARRAY, int32s(ffn))
            .u32("nemotron_h.attention.head_count", 64)
            .kv("nemotron_h.attention.head_count_kv", GgufType.ARRAY, int32s(kv))
            .u32("nemotron_h.attention.key_length", 128)
            .u32("nemotron_h.attention.value_length", 128)
            .u32("nemotron_h.ssm.conv_kernel", 4)
            .u32("nemotron_h.ssm.inner_size", 16384)
            .u32("nemotron_h.ssm.state_size", 256)
            .u32("nemotron_h.ssm.time_step_rank", 256)
            .u32("nemotron_h.ssm.group_count", 8)
            .tensor("output.weight", BF16, 8192, 131072);
    for (int i = 0; i < blocks; i++) {
      t(w, i, "attn_norm.weight", F32, 8192);
      switch (pattern.charAt(i)) {
        case 'M':
          // d_in_proj = 2·16384 + 2·8·256 + 256 = 37120; conv channels 16384 + 2·8·256 = 20480
          t(w, i, "ssm_in.weight", BF16, 8192, 37120);
          t(w, i, "ssm_conv1d.weight", F32, 4, 20480);
          t(w, i, "ssm_conv1d.bias", F32, 20480);
          t(w, i, "ssm_dt.bias", F32, 256);
          t(w, i, "ssm_a", F32, 1, 256);
          t(w, i, "ssm_d", F32, 1, 256);
          t(w, i, "ssm_norm.weight", F32, 16384 / 8, 8);
          t(w, i, "ssm_out.weight", BF16, 16384, 8192);
          break;
        case '*':
          t(w, i, "attn_q.weight", BF16, 8192, 64 * 128);
          t(w, i, "attn_k.weight", BF16, 8192, 8 * 128);
          t(w, i, "attn_v.weight", BF16, 8192, 8 * 128);
          t(w, i, "attn_output.weight", BF16, 64 * 128, 8192);
          break;
        default:
          t(w, i, "ffn_up.weight", BF16, 8192, 32768);
          t(w, i, "ffn_down.weight", BF16, 32768, 8192);
      }
    }
    GgufFile f = GgufReaderTest.read(w.header());
    assertStructureMatchesCatalog(f, "nemotron-h-56b-base-8k");
    // 54 M and 10 * blocks; the 54 - blocks fold into the block before them: 64 layers.
    assertThat(f.modelSpec().layerCount()).isEqualTo(64);
    // The file's 2^20 context is the converter's placeholder: no limit (the config says 8192).
    assertThat(f.modelSpec().contextLimit()).isEmpty();
    CheckpointWeights cw = f.checkpointWeights();
    assertThat(cw.embeddingBytes()).isEqualTo(2_147_483_648L); // 8192 × 131072 × 2 B
    assertThat(cw.layerBytes()).hasSize(118);
    // M: norm 32,768; in 8192·37120·2 = 608,174,080; conv 4·20480·4 + 20480·4 = 409,600;
    // dt, A, D 3·256·4 = 3,072; norm 2048·8·4 = 65,536; out 16384·8192·2 = 268,435,456
    assertThat(cw.layerBytes().get(0)).isEqualTo(877_120_512L);
    // -: norm 32,768 + up, down 2 · 8192·32768·2 = 1,073,774,592
    assertThat(cw.layerBytes().get(1)).isEqualTo(1_073_774_592L);
    // *: norm 32,768 + q, o 2 · 134,217,728 + k, v 2 · 16,777,216 = 302,022,656
    assertThat(cw.layerBytes().get(7)).isEqualTo(302_022_656L);
  }

  /** {@code hybrid_override_pattern} of nvidia/Nemotron-H-56B-Base-8K's config.json. */
  private static final String NEMOTRON_H_56B_PATTERN =
      "M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*"
          + "-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M-";

  @Test
  void qwen3Next80bAlternatesDeltaNetAndGatedAttention() {
    // Qwen/Qwen3-Next-80B-A3B-Instruct: Qwen3NextModel writes conv_kernel 4, state_size =
    // linear_key_head_dim 128, group_count = linear_num_key_heads 16, time_step_rank =
    // linear_num_value_heads 32, inner_size = 128 · 32 = 4096, full_attention_interval 4.
    GgufWriter w =
        model("qwen3next", 48, 2048, 151936)
            .u32("qwen3next.context_length", 262144)
            .u32("qwen3next.feed_forward_length", 5120)
            .u32("qwen3next.expert_feed_forward_length", 512)
            .u32("qwen3next.expert_shared_feed_forward_length", 512)
            .u32("qwen3next.expert_count", 512)
            .u32("qwen3next.expert_used_count", 10)
            .u32("qwen3next.attention.head_count", 16)
            .u32("qwen3next.attention.head_count_kv", 2)
            .u32("qwen3next.attention.key_length", 256)
            .u32("qwen3next.attention.value_length", 256)
            .u32("qwen3next.ssm.conv_kernel", 4)
            .u32("qwen3next.ssm.state_size", 128)
            .u32("qwen3next.ssm.group_count", 16)
            .u32("qwen3next.ssm.time_step_rank", 32)
            .u32("qwen3next.ssm.inner_size", 4096)
            .u32("qwen3next.full_attention_interval", 4)
            .tensor("output.weight", BF16, 2048, 151936);
    for (int i = 0; i < 48; i++) {
      t(w, i, "attn_norm.weight", F32, 2048);
      if ((i + 1) % 4 == 0) {
        // q and its output gate: 16 heads · 256 · 2
        t(w, i, "attn_q.weight", BF16, 2048, 16 * 256 * 2);
        t(w, i, "attn_k.weight", BF16, 2048, 2 * 256);
        t(w, i, "attn_v.weight", BF16, 2048, 2 * 256);
        t(w, i, "attn_output.weight", BF16, 16 * 256, 2048);
        t(w, i, "attn_q_norm.weight", F32, 256);
        t(w, i, "attn_k_norm.weight", F32, 256);
      } else {
        // qkvz = 2·(16·128) + 2·(32·128) = 12288; conv channels 2·2048 + 4096 = 8192; ba = 2·32
        t(w, i, "ssm_in.weight", BF16, 2048, 12288);
        t(w, i, "ssm_conv1d.weight", F32, 4, 8192);
        t(w, i, "ssm_dt.bias", F32, 32);
        t(w, i, "ssm_a", F32, 32);
        t(w, i, "ssm_ba.weight", BF16, 2048, 64);
        t(w, i, "ssm_norm.weight", F32, 128);
        t(w, i, "ssm_out.weight", BF16, 4096, 2048);
      }
      t(w, i, "post_attention_norm.weight", F32, 2048);
      t(w, i, "ffn_gate_inp.weight", BF16, 2048, 512);
      t(w, i, "ffn_gate_exps.weight", BF16, 2048, 512, 512);
      t(w, i, "ffn_up_exps.weight", BF16, 2048, 512, 512);
      t(w, i, "ffn_down_exps.weight", BF16, 512, 2048, 512);
      t(w, i, "ffn_gate_inp_shexp.weight", F32, 2048);
      t(w, i, "ffn_gate_shexp.weight", BF16, 2048, 512);
      t(w, i, "ffn_up_shexp.weight", BF16, 2048, 512);
      t(w, i, "ffn_down_shexp.weight", BF16, 512, 2048);
    }
    GgufFile f = GgufReaderTest.read(w.header());
    assertMatchesCatalog(f, "qwen3-next-80b-a3b-instruct");
    CheckpointWeights cw = f.checkpointWeights();
    assertThat(cw.embeddingBytes()).isEqualTo(622_329_856L); // 2048 × 151936 × 2 B
    // DeltaNet: norm 8,192; in 2048·12288·2 = 50,331,648; conv 4·8192·4 = 131,072; dt, A 256;
    // ba 2048·64·2 = 262,144; norm 512; out 4096·2048·2 = 16,777,216: 67,511,040.
    // Attention: norm 8,192; q 2048·8192·2 = 33,554,432; k, v 2·2,097,152; o 16,777,216;
    // q/k norms 2,048: 54,536,192.
    // MoE: norm 8,192; router 2048·512·2 = 2,097,152; experts 3 · 2048·512·512·2 =
    // 3,221,225,472; shared gate 8,192; shared 3 · 2048·512·2 = 6,291,456: 3,229,630,464.
    assertThat(cw.layerBytes().get(0)).isEqualTo(67_511_040L + 3_229_630_464L);
    assertThat(cw.layerBytes().get(3)).isEqualTo(54_536_192L + 3_229_630_464L);
  }

  @Test
  void aNemotronHMlpBlockWithoutAMixerBeforeItIsRejected() {
    GgufWriter w =
        model("nemotron_h", 2, 1024, 1000)
            .kv("nemotron_h.feed_forward_length", GgufType.ARRAY, int32s(new int[] {4096, 0}))
            .u32("nemotron_h.attention.head_count", 8)
            .kv("nemotron_h.attention.head_count_kv", GgufType.ARRAY, int32s(new int[] {0, 8}));
    GgufFile f = GgufReaderTest.read(w.header());
    assertThatThrownBy(f::modelSpec)
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(
            "t.gguf: block 0 is an MLP without a mixer block before it, which a LayerSpec cannot"
                + " hold");
  }

  @Test
  void aMamba2InnerSizeNotAMultipleOfTheHeadsIsNamed() {
    GgufWriter w =
        model("mamba2", 1, 768, 1000)
            .u32("mamba2.ssm.conv_kernel", 4)
            .u32("mamba2.ssm.inner_size", 1536)
            .u32("mamba2.ssm.state_size", 128)
            .u32("mamba2.ssm.time_step_rank", 25)
            .u32("mamba2.ssm.group_count", 1);
    GgufFile f = GgufReaderTest.read(w.header());
    assertThatThrownBy(f::modelSpec)
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(
            "t.gguf: 'mamba2.ssm.inner_size' 1536 is not a multiple of"
                + " 'mamba2.ssm.time_step_rank' (Mamba-2 heads) 25");
  }

  @Test
  void aMissingSsmKeyIsNamed() {
    GgufFile f = GgufReaderTest.read(model("mamba", 1, 768, 1000).header());
    assertThatThrownBy(f::modelSpec)
        .isInstanceOf(ModelConfigException.class)
        .hasMessage("t.gguf: missing 'mamba.ssm.inner_size'");
  }
}
