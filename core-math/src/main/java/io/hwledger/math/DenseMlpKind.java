package io.hwledger.math;

import static io.hwledger.math.WeightTensor.Role.DENSE;
import static io.hwledger.math.WeightTensor.Role.UNQUANTIZED;
import static io.hwledger.math.WeightTensor.Split.COLUMNS;
import static io.hwledger.math.WeightTensor.Split.NONE;
import static io.hwledger.math.WeightTensor.Split.ROWS;
import static io.hwledger.math.WeightTensor.ceilDiv;

import io.hwledger.api.DenseMlp;
import java.util.List;

/**
 * A dense feed-forward block ({@link DenseMlp}): gate (when gated) and up projections,
 * column-parallel, and a row-parallel down projection. MoE experts are built from the same
 * projections ({@link #addProjections}).
 */
final class DenseMlpKind implements MlpKind {
  private final DenseMlp d;

  DenseMlpKind(DenseMlp mlp) {
    this.d = mlp;
  }

  @Override
  public void addTensors(int h, List<WeightTensor> out) {
    addProjections(d.width(), d.gated(), d.bias(), DENSE, "", h, out);
  }

  @Override
  public long activationWidthPerRank(int tp) {
    return ceilDiv(d.width(), tp) * (d.gated() ? 3 : 2);
  }

  /**
   * The tensors of one MLP {@code width} elements wide, stored in {@code role}'s format and named
   * as llama.cpp names them ({@code ffn_gate}, {@code ffn_up}, {@code ffn_down}) with {@code
   * suffix} appended ({@code _exps} for routed experts, {@code _shexp} for shared ones).
   */
  static void addProjections(
      long width,
      boolean gated,
      boolean bias,
      WeightTensor.Role role,
      String suffix,
      int h,
      List<WeightTensor> out) {
    int inputs = gated ? 2 : 1; // gate and up, or up alone
    if (gated) {
      out.add(WeightTensor.of(width, h, role, ROWS).named("ffn_gate" + suffix));
    }
    out.add(WeightTensor.of(width, h, role, ROWS).named("ffn_up" + suffix));
    out.add(WeightTensor.of(h, width, role, COLUMNS).named("ffn_down" + suffix));
    if (bias) {
      out.add(WeightTensor.vector(width, UNQUANTIZED, COLUMNS).times(inputs));
      out.add(WeightTensor.vector(h, UNQUANTIZED, NONE));
    }
  }
}
