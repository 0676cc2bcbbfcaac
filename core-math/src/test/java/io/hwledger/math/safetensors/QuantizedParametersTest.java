package io.hwledger.math.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.math.CheckpointWeights;
import io.hwledger.math.fixtures.SafetensorsWriter;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parameters and bytes of quantised tensors, worked out by hand from the layouts each format
 * documents.
 */
@Verifies("FR-SAFETENSORS-002")
class QuantizedParametersTest {
  @TempDir Path dir;

  /**
   * AutoGPTQ 4-bit, group 128, for a 4096 → 4096 projection; GPTQ packs 8 values of one column into
   * an int32 along the input rows.
   *
   * <pre>
   * qweight I32 [4096/8, 4096] = [512, 4096]: 512·4096·4 B = 8,388,608 B, 512·4096·8 = 16,777,216 parameters
   * qzeros  I32 [4096/128, 4096/8] = [32, 512]: 32·512·4 B =    65,536 B, 0 parameters
   * scales  F16 [32, 4096]:                    32·4096·2 B =   262,144 B, 0 parameters
   * g_idx   I32 [4096]:                          4096·4 B =     16,384 B, 0 parameters
   * total                                                    8,732,672 B, 16,777,216 = 4096² parameters
   * </pre>
   */
  @Test
  void gptqInt4Layer() throws IOException {
    String p = "model.layers.0.self_attn.o_proj.";
    Path file =
        new SafetensorsWriter()
            .tensor(p + "g_idx", "I32", 4_096)
            .tensor(p + "qweight", "I32", 512, 4_096)
            .tensor(p + "qzeros", "I32", 32, 512)
            .tensor(p + "scales", "F16", 32, 4_096)
            .write(dir.resolve("model.safetensors"));

    SafetensorsCheckpoint ckpt = SafetensorsReader.read(file);

    assertThat(ckpt.tensor(p + "qweight").orElseThrow().bytes()).isEqualTo(8_388_608);
    assertThat(ckpt.tensor(p + "qweight").orElseThrow().parameters()).isEqualTo(16_777_216);
    assertThat(ckpt.tensor(p + "qzeros").orElseThrow().bytes()).isEqualTo(65_536);
    assertThat(ckpt.tensor(p + "scales").orElseThrow().bytes()).isEqualTo(262_144);
    assertThat(ckpt.tensor(p + "scales").orElseThrow().parameters()).isZero();
    assertThat(ckpt.totalBytes()).isEqualTo(8_732_672);
    assertThat(ckpt.parameters()).isEqualTo(16_777_216);
    CheckpointWeights w = ckpt.checkpointWeights();
    assertThat(w.layerBytes()).containsExactly(8_732_672L);
  }

  /**
   * AutoAWQ GEMM 4-bit, group 128, same projection; AWQ packs along the output columns.
   *
   * <pre>
   * qweight I32 [4096, 4096/8] = [4096, 512]: 8,388,608 B, 4096·512·8 = 16,777,216 parameters
   * qzeros  I32 [32, 512]:                      65,536 B
   * scales  F16 [32, 4096]:                    262,144 B
   * </pre>
   */
  @Test
  void awqInt4Layer() throws IOException {
    String p = "model.layers.0.mlp.down_proj.";
    Path file =
        new SafetensorsWriter()
            .tensor(p + "qweight", "I32", 4_096, 512)
            .tensor(p + "qzeros", "I32", 32, 512)
            .tensor(p + "scales", "F16", 32, 4_096)
            .write(dir.resolve("model.safetensors"));

    SafetensorsCheckpoint ckpt = SafetensorsReader.read(file);

    assertThat(ckpt.parameters()).isEqualTo(16_777_216);
    assertThat(ckpt.totalBytes()).isEqualTo(8_716_288);
  }

  /**
   * DeepSeek-V3's fp8 layout: e4m3 weights with one F32 {@code weight_scale_inv} per 128 × 128
   * block. down_proj is 18,432 → 7,168.
   *
   * <pre>
   * weight           F8_E4M3 [7168, 18432]: 132,120,576 B and parameters
   * weight_scale_inv F32 [7168/128, 18432/128] = [56, 144]: 56·144·4 = 32,256 B, 0 parameters
   * </pre>
   */
  @Test
  void fp8BlockScales() throws IOException {
    String p = "model.layers.3.mlp.down_proj.";
    Path file =
        new SafetensorsWriter()
            .tensor(p + "weight", "F8_E4M3", 7_168, 18_432)
            .tensor(p + "weight_scale_inv", "F32", 56, 144)
            .write(dir.resolve("model.safetensors"));

    SafetensorsCheckpoint ckpt = SafetensorsReader.read(file);

    assertThat(ckpt.tensor(p + "weight").orElseThrow().dtype()).isEqualTo(SafetensorsDtype.F8_E4M3);
    assertThat(ckpt.parameters()).isEqualTo(132_120_576);
    assertThat(ckpt.totalBytes()).isEqualTo(132_152_832);
  }

  /**
   * gpt-oss-20b's first MoE layer: 32 experts, hidden 2,880 (90 blocks of 32), expert width 2,880
   * (gate and up fused: 5,760). MXFP4 blocks are 16 bytes holding 32 e2m1 values; one U8 e8m0 scale
   * per block.
   *
   * <pre>
   * gate_up_proj_blocks U8 [32, 5760, 90, 16]: 265,420,800 B, ·2 = 530,841,600 = 32·5760·2880 parameters
   * gate_up_proj_scales U8 [32, 5760, 90]:      16,588,800 B, 0 parameters
   * gate_up_proj_bias   BF16 [32, 5760]:           368,640 B, 184,320 parameters
   * down_proj_blocks    U8 [32, 2880, 90, 16]: 132,710,400 B, 265,420,800 = 32·2880·2880 parameters
   * down_proj_scales    U8 [32, 2880, 90]:       8,294,400 B, 0 parameters
   * down_proj_bias      BF16 [32, 2880]:           184,320 B, 92,160 parameters
   * total                                      423,567,360 B, 796,538,880 parameters
   * </pre>
   */
  @Test
  void mxfp4Experts() throws IOException {
    String p = "model.layers.0.mlp.experts.";
    Path file =
        new SafetensorsWriter()
            .tensor(p + "down_proj_bias", "BF16", 32, 2_880)
            .tensor(p + "down_proj_blocks", "U8", 32, 2_880, 90, 16)
            .tensor(p + "down_proj_scales", "U8", 32, 2_880, 90)
            .tensor(p + "gate_up_proj_bias", "BF16", 32, 5_760)
            .tensor(p + "gate_up_proj_blocks", "U8", 32, 5_760, 90, 16)
            .tensor(p + "gate_up_proj_scales", "U8", 32, 5_760, 90)
            .write(dir.resolve("model.safetensors"));

    SafetensorsCheckpoint ckpt = SafetensorsReader.read(file);

    assertThat(ckpt.tensor(p + "gate_up_proj_blocks").orElseThrow().parameters())
        .isEqualTo(530_841_600);
    assertThat(ckpt.tensor(p + "gate_up_proj_scales").orElseThrow().parameters()).isZero();
    assertThat(ckpt.parameters()).isEqualTo(796_538_880);
    assertThat(ckpt.totalBytes()).isEqualTo(423_567_360);
  }

  /**
   * compressed-tensors {@code pack-quantized}: the width comes from the config's {@code
   * config_groups}. At 8 bits a 4096 → 4096 projection packs 4 values per int32: weight_packed I32
   * [4096, 1024] = 16,777,216 B holding 16,777,216 parameters; weight_scale BF16 [4096, 32] =
   * 262,144 B and weight_shape I64 [2] = 16 B hold none.
   */
  @Test
  void compressedTensorsWidthFromConfig() throws IOException {
    String p = "model.layers.0.self_attn.q_proj.";
    Path file =
        new SafetensorsWriter()
            .tensor(p + "weight_packed", "I32", 4_096, 1_024)
            .tensor(p + "weight_scale", "BF16", 4_096, 32)
            .tensor(p + "weight_shape", "I64", 2)
            .write(dir.resolve("model.safetensors"));
    Files.writeString(
        dir.resolve("config.json"),
        "{\"quantization_config\":{\"quant_method\":\"compressed-tensors\","
            + "\"format\":\"pack-quantized\",\"config_groups\":{\"group_0\":"
            + "{\"targets\":[\"Linear\"],\"weights\":{\"num_bits\":8,\"group_size\":128}}}}}");

    SafetensorsCheckpoint ckpt = SafetensorsReader.read(file);

    assertThat(ckpt.parameters()).isEqualTo(16_777_216);
    assertThat(ckpt.totalBytes()).isEqualTo(17_039_376);
  }

  /** Without a config, packed weights are taken as 4-bit: 8 values per int32. */
  @Test
  void packedWidthDefaultsToFourBits() throws IOException {
    Path file =
        new SafetensorsWriter()
            .tensor("model.layers.0.mlp.up_proj.weight_packed", "I32", 16, 2)
            .write(dir.resolve("model.safetensors"));

    assertThat(SafetensorsReader.read(file).parameters()).isEqualTo(256);
  }
}
