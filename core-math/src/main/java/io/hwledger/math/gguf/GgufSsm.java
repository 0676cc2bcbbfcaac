package io.hwledger.math.gguf;

import io.hwledger.api.GatedDeltaNet;
import io.hwledger.api.Mamba1;
import io.hwledger.api.Mamba2;

/**
 * The recurrent mixers of a GGUF file, from the {@code {arch}.ssm.*} keys as llama.cpp reads them
 * ({@code llama_model::load_hparams}: {@code ssm_d_conv}, {@code ssm_d_inner}, {@code ssm_d_state},
 * {@code ssm_dt_rank}, {@code ssm_n_group}) and the layer's tensors.
 *
 * <p>The keys mean different things per mixer, following llama.cpp's converter ({@code
 * convert_hf_to_gguf.py}):
 *
 * <ul>
 *   <li>Mamba-1 ({@code MambaModel}, {@code JambaModel}): {@code time_step_rank} is the Δ rank.
 *   <li>Mamba-2 ({@code Mamba2Model}, {@code GraniteHybridModel} for Nemotron-H): {@code
 *       time_step_rank} is the head count, {@code inner_size / time_step_rank} the head size.
 *   <li>Gated DeltaNet ({@code Qwen3NextModel}): {@code group_count} = linear_num_key_heads, {@code
 *       time_step_rank} = linear_num_value_heads, {@code state_size} = linear_key_head_dim, {@code
 *       inner_size} = linear_value_head_dim · linear_num_value_heads, {@code conv_kernel} =
 *       linear_conv_kernel_dim.
 * </ul>
 */
final class GgufSsm {
  private final GgufSpec keys;

  GgufSsm(GgufSpec keys) {
    this.keys = keys;
  }

  /**
   * Mamba-1 at layer {@code i}: a conv bias when {@code ssm_conv1d.bias} is present, projection
   * biases with {@code ssm_in.bias}, Jamba's weighted Δ/B/C norms with {@code ssm_dt_norm.weight}
   * (Falcon-Mamba's {@code ssm.dt_b_c_rms} norms have no weights, so they are not counted).
   */
  Mamba1 mamba1(int i) {
    String blk = "blk." + i + ".";
    return new Mamba1(
        keys.positive("ssm.inner_size"),
        keys.positive("ssm.state_size"),
        keys.positive("ssm.conv_kernel"),
        keys.positive("ssm.time_step_rank"),
        keys.has(blk + "ssm_conv1d.bias"),
        keys.has(blk + "ssm_in.bias"),
        keys.has(blk + "ssm_dt_norm.weight"));
  }

  /** Mamba-2 at layer {@code i}; biases as for {@link #mamba1}. */
  Mamba2 mamba2(int i) {
    String blk = "blk." + i + ".";
    int inner = keys.positive("ssm.inner_size");
    int heads = keys.positive("ssm.time_step_rank");
    if (inner % heads != 0) {
      throw keys.error(
          "'"
              + keys.full("ssm.inner_size")
              + "' "
              + inner
              + " is not a multiple of '"
              + keys.full("ssm.time_step_rank")
              + "' (Mamba-2 heads) "
              + heads);
    }
    return new Mamba2(
        inner,
        keys.positive("ssm.state_size"),
        keys.positive("ssm.conv_kernel"),
        keys.positive("ssm.group_count"),
        heads,
        inner / heads,
        keys.has(blk + "ssm_conv1d.bias"),
        keys.has(blk + "ssm_in.bias"));
  }

  /** Qwen3-Next's Gated DeltaNet. */
  GatedDeltaNet deltaNet() {
    int valueHeads = keys.positive("ssm.time_step_rank");
    int inner = keys.positive("ssm.inner_size");
    if (inner % valueHeads != 0) {
      throw keys.error(
          "'"
              + keys.full("ssm.inner_size")
              + "' "
              + inner
              + " is not a multiple of '"
              + keys.full("ssm.time_step_rank")
              + "' (value heads) "
              + valueHeads);
    }
    return new GatedDeltaNet(
        keys.positive("ssm.group_count"),
        valueHeads,
        keys.positive("ssm.state_size"),
        inner / valueHeads,
        keys.positive("ssm.conv_kernel"));
  }
}
