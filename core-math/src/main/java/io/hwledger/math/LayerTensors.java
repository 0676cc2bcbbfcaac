package io.hwledger.math;

import static io.hwledger.math.WeightTensor.Role.DENSE;
import static io.hwledger.math.WeightTensor.Role.EXPERT;
import static io.hwledger.math.WeightTensor.Role.UNQUANTIZED;
import static io.hwledger.math.WeightTensor.Split.COLUMNS;
import static io.hwledger.math.WeightTensor.Split.KV_HEAD_COLUMNS;
import static io.hwledger.math.WeightTensor.Split.KV_HEAD_ROWS;
import static io.hwledger.math.WeightTensor.Split.NONE;
import static io.hwledger.math.WeightTensor.Split.ROWS;

import io.hwledger.api.Attention;
import io.hwledger.api.DenseMlp;
import io.hwledger.api.GatedDeltaNet;
import io.hwledger.api.LatentAttention;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.Mamba1;
import io.hwledger.api.Mamba2;
import io.hwledger.api.Mixer;
import io.hwledger.api.Mlp;
import io.hwledger.api.MoeMlp;
import io.hwledger.api.NormKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists the weight tensors of a layer, following the module structure of the Hugging Face
 * transformers implementation of each mixer and MLP (shapes as {@code [out, in]}).
 *
 * <p>Tensor-parallel splits follow vLLM: column-parallel input projections split their outputs,
 * row-parallel output projections split their inputs, KV projections split by head and replicate
 * when TP exceeds the KV heads, MLA's down-projections ({@code q_a_proj}, {@code
 * kv_a_proj_with_mqa}) and all norms are replicated, experts split their intermediate dimension.
 */
final class LayerTensors {
  private LayerTensors() {}

  /** Every tensor of {@code layer} in a model of width {@code hidden}. */
  static List<WeightTensor> of(LayerSpec layer, int hidden, NormKind norm) {
    List<WeightTensor> out = new ArrayList<>();
    mixer(layer.mixer(), hidden, out);
    mlp(layer.mlp(), hidden, out);
    if (layer.norms() > 0) {
      out.add(
          WeightTensor.of(norm.parametersPerElement(), hidden, UNQUANTIZED, NONE)
              .times(layer.norms()));
    }
    return List.copyOf(out);
  }

  /** Tensors of the routed experts alone (the part of which only top-k are active). */
  static long routedExpertParameters(Mlp mlp, int hidden) {
    if (!(mlp instanceof MoeMlp)) {
      return 0;
    }
    List<WeightTensor> experts = new ArrayList<>();
    routedExperts((MoeMlp) mlp, hidden, experts);
    return experts.stream().mapToLong(WeightTensor::parameters).sum();
  }

  private static void mixer(Mixer mixer, int h, List<WeightTensor> out) {
    if (mixer instanceof Attention) {
      attention((Attention) mixer, h, out);
    } else if (mixer instanceof LatentAttention) {
      latentAttention((LatentAttention) mixer, h, out);
    } else if (mixer instanceof Mamba1) {
      mamba1((Mamba1) mixer, h, out);
    } else if (mixer instanceof Mamba2) {
      mamba2((Mamba2) mixer, h, out);
    } else {
      gatedDeltaNet((GatedDeltaNet) mixer, h, out);
    }
  }

  private static void attention(Attention a, int h, List<WeightTensor> out) {
    long q = (long) a.queryHeads() * a.keyHeadDim() * (a.outputGate() ? 2 : 1);
    long k = (long) a.kvHeads() * a.keyHeadDim();
    long v = (long) a.kvHeads() * a.valueHeadDim();
    out.add(WeightTensor.of(q, h, DENSE, ROWS));
    out.add(WeightTensor.kvHeads(k, h, DENSE, KV_HEAD_ROWS, a.keyHeadDim()));
    out.add(WeightTensor.kvHeads(v, h, DENSE, KV_HEAD_ROWS, a.valueHeadDim()));
    out.add(WeightTensor.of(h, (long) a.queryHeads() * a.valueHeadDim(), DENSE, COLUMNS));
    if (a.qkvBias()) {
      out.add(WeightTensor.vector(q, UNQUANTIZED, COLUMNS));
      out.add(WeightTensor.kvHeads(1, k, UNQUANTIZED, KV_HEAD_COLUMNS, a.keyHeadDim()));
      out.add(WeightTensor.kvHeads(1, v, UNQUANTIZED, KV_HEAD_COLUMNS, a.valueHeadDim()));
    }
    if (a.outputBias()) {
      out.add(WeightTensor.vector(h, UNQUANTIZED, NONE));
    }
    if (a.qkNorm()) {
      out.add(WeightTensor.vector(a.keyHeadDim(), UNQUANTIZED, NONE).times(2));
    }
    if (a.sinks()) {
      out.add(WeightTensor.vector(a.queryHeads(), UNQUANTIZED, COLUMNS));
    }
  }

  private static void latentAttention(LatentAttention m, int h, List<WeightTensor> out) {
    long heads = m.heads();
    long qHead = (long) m.qkNopeHeadDim() + m.qkRopeHeadDim();
    if (m.qLoraRank() > 0) {
      out.add(WeightTensor.of(m.qLoraRank(), h, DENSE, NONE));
      out.add(WeightTensor.vector(m.qLoraRank(), UNQUANTIZED, NONE));
      out.add(WeightTensor.of(heads * qHead, m.qLoraRank(), DENSE, ROWS));
    } else {
      out.add(WeightTensor.of(heads * qHead, h, DENSE, ROWS));
    }
    out.add(WeightTensor.of((long) m.kvLoraRank() + m.qkRopeHeadDim(), h, DENSE, NONE));
    out.add(WeightTensor.vector(m.kvLoraRank(), UNQUANTIZED, NONE));
    out.add(
        WeightTensor.of(
            heads * ((long) m.qkNopeHeadDim() + m.valueHeadDim()), m.kvLoraRank(), DENSE, ROWS));
    out.add(WeightTensor.of(h, heads * m.valueHeadDim(), DENSE, COLUMNS));
  }

  private static void mamba1(Mamba1 m, int h, List<WeightTensor> out) {
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

  private static void mamba2(Mamba2 m, int h, List<WeightTensor> out) {
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

  private static void gatedDeltaNet(GatedDeltaNet g, int h, List<WeightTensor> out) {
    long keyDim = (long) g.keyHeads() * g.keyHeadDim();
    long valueDim = (long) g.valueHeads() * g.valueHeadDim();
    out.add(WeightTensor.of(2 * keyDim + 2 * valueDim, h, DENSE, ROWS)); // in_proj_qkvz
    out.add(WeightTensor.of(2L * g.valueHeads(), h, DENSE, ROWS)); // in_proj_ba
    out.add(WeightTensor.of(g.convChannels(), g.convKernel(), UNQUANTIZED, ROWS));
    out.add(WeightTensor.vector(g.valueHeads(), UNQUANTIZED, COLUMNS).times(2)); // dt_bias, A_log
    out.add(WeightTensor.vector(g.valueHeadDim(), UNQUANTIZED, NONE)); // gated RMSNorm per head
    out.add(WeightTensor.of(h, valueDim, DENSE, COLUMNS));
  }

  private static void mlp(Mlp mlp, int h, List<WeightTensor> out) {
    if (mlp instanceof DenseMlp) {
      DenseMlp d = (DenseMlp) mlp;
      denseMlp(d.width(), d.gated(), d.bias(), DENSE, h, out);
    } else if (mlp instanceof MoeMlp) {
      MoeMlp moe = (MoeMlp) mlp;
      out.add(WeightTensor.of(moe.experts(), h, UNQUANTIZED, NONE));
      if (moe.routerBias()) {
        out.add(WeightTensor.vector(moe.experts(), UNQUANTIZED, NONE));
      }
      routedExperts(moe, h, out);
      if (moe.sharedWidth() > 0) {
        denseMlp(moe.sharedWidth(), moe.gated(), false, DENSE, h, out);
        if (moe.sharedGate()) {
          out.add(WeightTensor.vector(h, UNQUANTIZED, NONE));
        }
      }
    }
  }

  private static void routedExperts(MoeMlp moe, int h, List<WeightTensor> out) {
    List<WeightTensor> one = new ArrayList<>();
    denseMlp(moe.expertWidth(), moe.gated(), moe.expertBias(), EXPERT, h, one);
    for (WeightTensor t : one) {
      out.add(t.times(moe.experts()));
    }
  }

  private static void denseMlp(
      long width,
      boolean gated,
      boolean bias,
      WeightTensor.Role role,
      int h,
      List<WeightTensor> out) {
    int inputs = gated ? 2 : 1; // gate and up, or up alone
    out.add(WeightTensor.of(width, h, role, ROWS).times(inputs));
    out.add(WeightTensor.of(h, width, role, COLUMNS));
    if (bias) {
      out.add(WeightTensor.vector(width, UNQUANTIZED, COLUMNS).times(inputs));
      out.add(WeightTensor.vector(h, UNQUANTIZED, NONE));
    }
  }
}
