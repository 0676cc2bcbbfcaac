package io.hwledger.math;

import static io.hwledger.math.WeightTensor.Role.DENSE;
import static io.hwledger.math.WeightTensor.Role.UNQUANTIZED;
import static io.hwledger.math.WeightTensor.Split.COLUMNS;
import static io.hwledger.math.WeightTensor.Split.NONE;
import static io.hwledger.math.WeightTensor.Split.ROWS;
import static io.hwledger.math.WeightTensor.ceilDiv;

import io.hwledger.api.Mamba1;
import java.util.List;

/**
 * The Mamba-1 selective SSM ({@link Mamba1}): state {@code d_inner · N} plus a convolution buffer
 * of {@code d_inner} channels, split by TP along {@code d_inner}. No TP degree is refused.
 */
final class Mamba1Kind implements RecurrentKind {
  private final Mamba1 m;

  Mamba1Kind(Mamba1 mamba) {
    this.m = mamba;
  }

  @Override
  public void addTensors(int h, List<WeightTensor> out) {
    long inner = m.innerSize();
    out.add(WeightTensor.of(2 * inner, h, DENSE, ROWS));
    if (m.projectionBias()) {
      out.add(WeightTensor.vector(2 * inner, UNQUANTIZED, COLUMNS));
    }
    out.add(WeightTensor.of(inner, m.convKernel(), UNQUANTIZED, ROWS));
    if (m.convBias()) {
      out.add(WeightTensor.vector(inner, UNQUANTIZED, COLUMNS));
    }
    out.add(WeightTensor.of((long) m.dtRank() + 2L * m.stateSize(), inner, DENSE, COLUMNS));
    out.add(WeightTensor.of(inner, m.dtRank(), DENSE, ROWS));
    out.add(WeightTensor.vector(inner, UNQUANTIZED, COLUMNS)); // dt_proj bias
    out.add(WeightTensor.of(inner, m.stateSize(), UNQUANTIZED, ROWS)); // A_log
    out.add(WeightTensor.vector(inner, UNQUANTIZED, COLUMNS)); // D
    out.add(WeightTensor.of(h, inner, DENSE, COLUMNS));
    if (m.projectionBias()) {
      out.add(WeightTensor.vector(h, UNQUANTIZED, NONE));
    }
    if (m.innerNorms()) {
      out.add(WeightTensor.vector(m.dtRank(), UNQUANTIZED, NONE));
      out.add(WeightTensor.vector(m.stateSize(), UNQUANTIZED, NONE).times(2));
    }
  }

  @Override
  public boolean splitsEvenly(int tp) {
    return true;
  }

  @Override
  public long activationWidthPerRank(int tp) {
    long inner = ceilDiv(m.innerSize(), tp);
    return 3 * inner + m.dtRank() + 2L * m.stateSize();
  }

  @Override
  public long stateRowsPerRank(int tp) {
    return ceilDiv(m.innerSize(), tp);
  }

  @Override
  public long stateColumns() {
    return m.stateSize();
  }

  @Override
  public long convChannelsPerRank(int tp) {
    return stateRowsPerRank(tp); // the convolution runs over the same d_inner channels
  }

  @Override
  public int convKernel() {
    return m.convKernel();
  }
}
