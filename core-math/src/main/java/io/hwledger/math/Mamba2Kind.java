package io.hwledger.math;

import static io.hwledger.math.WeightTensor.Role.DENSE;
import static io.hwledger.math.WeightTensor.Role.UNQUANTIZED;
import static io.hwledger.math.WeightTensor.Split.COLUMNS;
import static io.hwledger.math.WeightTensor.Split.NONE;
import static io.hwledger.math.WeightTensor.Split.ROWS;
import static io.hwledger.math.WeightTensor.ceilDiv;

import io.hwledger.api.Mamba2;
import java.util.List;

/**
 * The Mamba-2 SSD mixer ({@link Mamba2}): state {@code heads · headDim · N} plus a convolution
 * buffer of {@code d_inner + 2 · groups · N} channels (x, B and C); TP splits heads and groups and
 * must divide the heads.
 */
final class Mamba2Kind implements RecurrentKind {
  private final Mamba2 m;

  Mamba2Kind(Mamba2 mamba) {
    this.m = mamba;
  }

  @Override
  public void addTensors(int h, List<WeightTensor> out) {
    long inner = m.innerSize();
    long conv = m.convChannels();
    long inProj = inner + conv + m.heads(); // z, xBC, dt
    out.add(WeightTensor.of(inProj, h, DENSE, ROWS));
    if (m.projectionBias()) {
      out.add(WeightTensor.vector(inProj, UNQUANTIZED, COLUMNS));
    }
    out.add(WeightTensor.of(conv, m.convKernel(), UNQUANTIZED, ROWS));
    if (m.convBias()) {
      out.add(WeightTensor.vector(conv, UNQUANTIZED, COLUMNS));
    }
    out.add(WeightTensor.vector(m.heads(), UNQUANTIZED, COLUMNS).times(3)); // dt_bias, A_log, D
    out.add(WeightTensor.vector(inner, UNQUANTIZED, COLUMNS)); // gated RMSNorm
    out.add(WeightTensor.of(h, inner, DENSE, COLUMNS));
    if (m.projectionBias()) {
      out.add(WeightTensor.vector(h, UNQUANTIZED, NONE));
    }
  }

  @Override
  public boolean splitsEvenly(int tp) {
    return m.heads() % tp == 0;
  }

  @Override
  public long activationWidthPerRank(int tp) {
    long inner = ceilDiv(m.heads(), tp) * m.headDim();
    long conv = inner + 2L * m.groups() * m.stateSize();
    return inner + conv + ceilDiv(m.heads(), tp) + conv + inner;
  }

  @Override
  public long stateRowsPerRank(int tp) {
    return ceilDiv(m.heads(), tp) * m.headDim();
  }

  @Override
  public long stateColumns() {
    return m.stateSize();
  }

  @Override
  public long convChannelsPerRank(int tp) {
    return stateRowsPerRank(tp) + 2 * ceilDiv(m.groups(), tp) * m.stateSize();
  }

  @Override
  public int convKernel() {
    return m.convKernel();
  }
}
