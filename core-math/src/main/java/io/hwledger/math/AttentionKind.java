package io.hwledger.math;

import static io.hwledger.math.WeightTensor.Role.DENSE;
import static io.hwledger.math.WeightTensor.Role.UNQUANTIZED;
import static io.hwledger.math.WeightTensor.Split.COLUMNS;
import static io.hwledger.math.WeightTensor.Split.KV_HEAD_COLUMNS;
import static io.hwledger.math.WeightTensor.Split.KV_HEAD_ROWS;
import static io.hwledger.math.WeightTensor.Split.NONE;
import static io.hwledger.math.WeightTensor.Split.ROWS;
import static io.hwledger.math.WeightTensor.ceilDiv;
import static io.hwledger.math.WeightTensor.headsPerRank;

import io.hwledger.api.Attention;
import io.hwledger.api.MlaCacheLayout;
import io.hwledger.api.Precision;
import java.util.List;
import java.util.OptionalLong;

/**
 * Multi-head, grouped-query and multi-query attention ({@link Attention}) with its variants: a
 * sliding window, q/k/v and output biases, per-head or whole-projection q/k norms, an output gate
 * carried by the query projection (Qwen3-Next) and per-head attention sinks (gpt-oss).
 *
 * <p>Cache: {@code kvHeads · keyHeadDim} K and {@code kvHeads · valueHeadDim} V elements per token,
 * for {@code min(context, window)} tokens when it has a window; a tensor-parallel rank keeps {@code
 * max(1, ceil(kvHeads / TP))} heads. TP must divide the query heads and divide or be a multiple of
 * the KV heads. Compute: {@code 2 · queryHeads · (keyHeadDim + valueHeadDim)} operations per
 * (query, key) pair.
 */
final class AttentionKind implements MixerKind {
  private final Attention a;

  AttentionKind(Attention attention) {
    this.a = attention;
  }

  @Override
  public void addTensors(int h, List<WeightTensor> out) {
    long q = (long) a.queryHeads() * a.keyHeadDim() * (a.outputGate() ? 2 : 1);
    long k = (long) a.kvHeads() * a.keyHeadDim();
    long v = (long) a.kvHeads() * a.valueHeadDim();
    out.add(WeightTensor.of(q, h, DENSE, ROWS).named("attn_q"));
    out.add(WeightTensor.kvHeads(k, h, DENSE, KV_HEAD_ROWS, a.keyHeadDim()).named("attn_k"));
    out.add(WeightTensor.kvHeads(v, h, DENSE, KV_HEAD_ROWS, a.valueHeadDim()).named("attn_v"));
    out.add(
        WeightTensor.of(h, (long) a.queryHeads() * a.valueHeadDim(), DENSE, COLUMNS)
            .named("attn_output"));
    if (a.qkvBias()) {
      out.add(WeightTensor.vector(q, UNQUANTIZED, COLUMNS));
      out.add(WeightTensor.kvHeads(1, k, UNQUANTIZED, KV_HEAD_COLUMNS, a.keyHeadDim()));
      out.add(WeightTensor.kvHeads(1, v, UNQUANTIZED, KV_HEAD_COLUMNS, a.valueHeadDim()));
    }
    if (a.outputBias()) {
      out.add(WeightTensor.vector(h, UNQUANTIZED, NONE));
    }
    if (a.qkNorm() && a.qkNormAcrossHeads()) {
      // OLMo 2: q_norm and k_norm over the whole projections; vLLM's Olmo2Attention gathers q and
      // k across ranks before normalising, so every rank keeps both norms whole.
      out.add(WeightTensor.vector(q, UNQUANTIZED, NONE));
      out.add(WeightTensor.vector(k, UNQUANTIZED, NONE));
    } else if (a.qkNorm()) {
      out.add(WeightTensor.vector(a.keyHeadDim(), UNQUANTIZED, NONE).times(2));
    }
    if (a.sinks()) {
      out.add(WeightTensor.vector(a.queryHeads(), UNQUANTIZED, COLUMNS));
    }
  }

  @Override
  public boolean splitsEvenly(int tp) {
    return a.queryHeads() % tp == 0 && (a.kvHeads() % tp == 0 || tp % a.kvHeads() == 0);
  }

  @Override
  public long activationWidthPerRank(int tp) {
    long q = ceilDiv(a.queryHeads(), tp);
    long kv = headsPerRank(a.kvHeads(), tp);
    return q * a.keyHeadDim() * (a.outputGate() ? 2 : 1)
        + kv * (a.keyHeadDim() + a.valueHeadDim())
        + q * a.valueHeadDim();
  }

  @Override
  public long kvBytesPerToken(Precision p, int tp, MlaCacheLayout mla) {
    long heads = headsPerRank(a.kvHeads(), tp);
    return Math.addExact(
        p.keyCache().bytes(heads * a.keyHeadDim()), p.valueCache().bytes(heads * a.valueHeadDim()));
  }

  @Override
  public OptionalLong window() {
    return a.windowTokens();
  }

  @Override
  public long attentionHeads() {
    return a.queryHeads();
  }

  @Override
  public double attentionOpsPerPair() {
    return 2.0 * a.queryHeads() * (a.keyHeadDim() + a.valueHeadDim());
  }
}
