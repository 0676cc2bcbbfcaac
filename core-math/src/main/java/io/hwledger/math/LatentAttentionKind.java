package io.hwledger.math;

import static io.hwledger.math.WeightTensor.Role.DENSE;
import static io.hwledger.math.WeightTensor.Role.UNQUANTIZED;
import static io.hwledger.math.WeightTensor.Split.COLUMNS;
import static io.hwledger.math.WeightTensor.Split.NONE;
import static io.hwledger.math.WeightTensor.Split.ROWS;
import static io.hwledger.math.WeightTensor.ceilDiv;

import io.hwledger.api.LatentAttention;
import io.hwledger.api.MlaCacheLayout;
import io.hwledger.api.Precision;
import java.util.List;

/**
 * Multi-head latent attention ({@link LatentAttention}, DeepSeek-V2/V3).
 *
 * <p>Cache: one latent of {@code kvLoraRank + qkRopeHeadDim} elements per token in the K cache
 * format, replicated on every rank ({@link MlaCacheLayout#LATENT}); decompressed, full per-head K
 * ({@code qkNope + qkRope}) and V split by head. The down-projections ({@code q_a_proj}, {@code
 * kv_a_proj_with_mqa}) are replicated. TP must divide the heads. Compute: {@code 2 · heads ·
 * (qkNope + qkRope + value)} operations per (query, key) pair, the decompressed heads: an upper
 * bound for the absorbed decode kernels.
 */
final class LatentAttentionKind implements MixerKind {
  private final LatentAttention m;

  LatentAttentionKind(LatentAttention mla) {
    this.m = mla;
  }

  @Override
  public void addTensors(int h, List<WeightTensor> out) {
    long heads = m.heads();
    long qHead = (long) m.qkNopeHeadDim() + m.qkRopeHeadDim();
    if (m.qLoraRank() > 0) {
      out.add(WeightTensor.of(m.qLoraRank(), h, DENSE, NONE));
      out.add(WeightTensor.vector(m.qLoraRank(), UNQUANTIZED, NONE));
      out.add(WeightTensor.of(heads * qHead, m.qLoraRank(), DENSE, ROWS));
    } else {
      out.add(WeightTensor.of(heads * qHead, h, DENSE, ROWS).named("attn_q"));
    }
    out.add(WeightTensor.of((long) m.kvLoraRank() + m.qkRopeHeadDim(), h, DENSE, NONE));
    out.add(WeightTensor.vector(m.kvLoraRank(), UNQUANTIZED, NONE));
    out.add(
        WeightTensor.of(
                heads * ((long) m.qkNopeHeadDim() + m.valueHeadDim()), m.kvLoraRank(), DENSE, ROWS)
            .named("attn_kv_b"));
    out.add(WeightTensor.of(h, heads * m.valueHeadDim(), DENSE, COLUMNS).named("attn_output"));
  }

  @Override
  public boolean splitsEvenly(int tp) {
    return m.heads() % tp == 0;
  }

  @Override
  public long activationWidthPerRank(int tp) {
    long heads = ceilDiv(m.heads(), tp);
    return m.qLoraRank()
        + heads * (m.qkNopeHeadDim() + m.qkRopeHeadDim())
        + m.kvLoraRank()
        + m.qkRopeHeadDim()
        + heads * (m.qkNopeHeadDim() + 2L * m.valueHeadDim());
  }

  @Override
  public long kvBytesPerToken(Precision p, int tp, MlaCacheLayout mla) {
    if (mla == MlaCacheLayout.LATENT) {
      return p.keyCache().bytes((long) m.kvLoraRank() + m.qkRopeHeadDim());
    }
    long heads = ceilDiv(m.heads(), tp);
    return Math.addExact(
        p.keyCache().bytes(heads * ((long) m.qkNopeHeadDim() + m.qkRopeHeadDim())),
        p.valueCache().bytes(heads * m.valueHeadDim()));
  }

  @Override
  public long attentionHeads() {
    return m.heads();
  }

  @Override
  public double attentionOpsPerPair() {
    return 2.0 * m.heads() * ((double) m.qkNopeHeadDim() + m.qkRopeHeadDim() + m.valueHeadDim());
  }
}
