package io.hwledger.math;

import static io.hwledger.math.WeightTensor.ceilDiv;
import static io.hwledger.math.WeightTensor.headsPerRank;

import io.hwledger.api.Attention;
import io.hwledger.api.DType;
import io.hwledger.api.DenseMlp;
import io.hwledger.api.GatedDeltaNet;
import io.hwledger.api.LatentAttention;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.Mamba1;
import io.hwledger.api.Mamba2;
import io.hwledger.api.Mixer;
import io.hwledger.api.MlaCacheLayout;
import io.hwledger.api.MoeMlp;
import io.hwledger.api.NormKind;
import io.hwledger.api.Precision;
import java.util.List;
import java.util.OptionalLong;

/**
 * One distinct layer structure of a model, with everything the planner needs precomputed: its
 * tensors, parameters, and the per-token cache and per-sequence state it keeps.
 *
 * <p>Cache and state rules:
 *
 * <ul>
 *   <li>Attention keeps {@code kvHeads · keyHeadDim} K and {@code kvHeads · valueHeadDim} V
 *       elements per token, for {@code min(context, window)} tokens when it has a window. A
 *       tensor-parallel rank keeps {@code max(1, ceil(kvHeads / TP))} heads.
 *   <li>MLA keeps one latent of {@code kvLoraRank + qkRopeHeadDim} elements per token in the K
 *       cache format, replicated on every rank; decompressed, it keeps full per-head K and V split
 *       by head.
 *   <li>Recurrent layers keep a fixed state per sequence. The convolution state holds {@code
 *       convKernel − 1} columns, as vLLM ({@code MambaStateShapeCalculator}) and llama.cpp ({@code
 *       n_embd_r}) allocate it; transformers' {@code MambaCache} keeps {@code convKernel} columns.
 *       Mamba-1: {@code d_inner · N} SSM plus {@code d_inner · (K − 1)} conv elements; Mamba-2:
 *       {@code heads · headDim · N} plus {@code (d_inner + 2 · groups · N) · (K − 1)}; Gated
 *       DeltaNet: {@code valueHeads · keyHeadDim · valueHeadDim} plus {@code convChannels · (K −
 *       1)}.
 * </ul>
 */
final class LayerKind {
  final LayerSpec spec;
  final List<WeightTensor> tensors;
  final long parameters;
  final long activeParameters;

  LayerKind(LayerSpec spec, int hidden, NormKind norm) {
    this.spec = spec;
    this.tensors = LayerTensors.of(spec, hidden, norm);
    long params = 0;
    for (WeightTensor t : tensors) {
      params = Math.addExact(params, t.parameters());
    }
    this.parameters = params;
    long routed = LayerTensors.routedExpertParameters(spec.mlp(), hidden);
    if (spec.mlp() instanceof MoeMlp) {
      MoeMlp moe = (MoeMlp) spec.mlp();
      this.activeParameters = params - routed + routed / moe.experts() * moe.topK();
    } else {
      this.activeParameters = params;
    }
  }

  /** Bytes of this layer's weights on one rank of {@code tp}. */
  long weightBytesPerRank(Precision precision, int tp) {
    long sum = 0;
    for (WeightTensor t : tensors) {
      sum = Math.addExact(sum, t.bytesPerRank(precision, tp));
    }
    return sum;
  }

  /** The query heads whose attention scores this layer computes; 0 for a recurrent layer. */
  long attentionHeads() {
    Mixer m = spec.mixer();
    if (m instanceof Attention) {
      return ((Attention) m).queryHeads();
    }
    if (m instanceof LatentAttention) {
      return ((LatentAttention) m).heads();
    }
    return 0;
  }

  /** The window that caps this layer's cache, if any. */
  OptionalLong window() {
    Mixer m = spec.mixer();
    return m instanceof Attention ? ((Attention) m).windowTokens() : OptionalLong.empty();
  }

  /** Tokens this layer caches for a sequence of {@code context} tokens. */
  long cachedTokens(long context) {
    OptionalLong w = window();
    return w.isPresent() ? Math.min(context, w.getAsLong()) : context;
  }

  /** K plus V cache bytes per token per sequence on one rank of {@code tp}; 0 if recurrent. */
  long kvBytesPerToken(Precision p, int tp, MlaCacheLayout mla) {
    Mixer m = spec.mixer();
    if (m instanceof Attention) {
      Attention a = (Attention) m;
      long heads = headsPerRank(a.kvHeads(), tp);
      return Math.addExact(
          p.keyCache().bytes(heads * a.keyHeadDim()),
          p.valueCache().bytes(heads * a.valueHeadDim()));
    }
    if (m instanceof LatentAttention) {
      LatentAttention l = (LatentAttention) m;
      if (mla == MlaCacheLayout.LATENT) {
        return p.keyCache().bytes((long) l.kvLoraRank() + l.qkRopeHeadDim());
      }
      long heads = ceilDiv(l.heads(), tp);
      return Math.addExact(
          p.keyCache().bytes(heads * ((long) l.qkNopeHeadDim() + l.qkRopeHeadDim())),
          p.valueCache().bytes(heads * l.valueHeadDim()));
    }
    return 0;
  }

  /** Fixed recurrent state bytes per sequence on one rank of {@code tp}; 0 for attention. */
  long stateBytesPerSequence(Precision p, int tp) {
    Mixer m = spec.mixer();
    DType s = p.state();
    if (m instanceof Mamba1) {
      Mamba1 x = (Mamba1) m;
      long inner = ceilDiv(x.innerSize(), tp);
      return Math.addExact(s.bytes(inner, x.stateSize()), s.bytes(inner, x.convKernel() - 1L));
    }
    if (m instanceof Mamba2) {
      Mamba2 x = (Mamba2) m;
      long heads = ceilDiv(x.heads(), tp);
      long groups = x.groups() % tp == 0 ? x.groups() / tp : ceilDiv(x.groups(), tp);
      long ssm = s.bytes(heads * x.headDim(), x.stateSize());
      long convChannels = heads * x.headDim() + 2 * groups * x.stateSize();
      return Math.addExact(ssm, s.bytes(convChannels, x.convKernel() - 1L));
    }
    if (m instanceof GatedDeltaNet) {
      GatedDeltaNet g = (GatedDeltaNet) m;
      long valueHeads = ceilDiv(g.valueHeads(), tp);
      long keyHeads = ceilDiv(g.keyHeads(), tp);
      long recurrent = s.bytes(valueHeads * g.keyHeadDim(), g.valueHeadDim());
      long convChannels = 2 * keyHeads * g.keyHeadDim() + valueHeads * g.valueHeadDim();
      return Math.addExact(recurrent, s.bytes(convChannels, g.convKernel() - 1L));
    }
    return 0;
  }

  /**
   * Activation elements one token holds at the widest point of this layer on one rank, beyond the
   * residual stream: the mixer's projections or the MLP's intermediate, whichever is wider (they
   * run one after the other).
   */
  long activationWidthPerRank(int tp) {
    return Math.max(mixerWidth(tp), mlpWidth(tp));
  }

  private long mixerWidth(int tp) {
    Mixer m = spec.mixer();
    if (m instanceof Attention) {
      Attention a = (Attention) m;
      long q = ceilDiv(a.queryHeads(), tp);
      long kv = headsPerRank(a.kvHeads(), tp);
      return q * a.keyHeadDim() * (a.outputGate() ? 2 : 1)
          + kv * (a.keyHeadDim() + a.valueHeadDim())
          + q * a.valueHeadDim();
    }
    if (m instanceof LatentAttention) {
      LatentAttention l = (LatentAttention) m;
      long heads = ceilDiv(l.heads(), tp);
      return l.qLoraRank()
          + heads * (l.qkNopeHeadDim() + l.qkRopeHeadDim())
          + l.kvLoraRank()
          + l.qkRopeHeadDim()
          + heads * (l.qkNopeHeadDim() + 2L * l.valueHeadDim());
    }
    if (m instanceof Mamba1) {
      Mamba1 x = (Mamba1) m;
      long inner = ceilDiv(x.innerSize(), tp);
      return 3 * inner + x.dtRank() + 2L * x.stateSize();
    }
    if (m instanceof Mamba2) {
      Mamba2 x = (Mamba2) m;
      long inner = ceilDiv(x.heads(), tp) * x.headDim();
      long conv = inner + 2L * x.groups() * x.stateSize();
      return inner + conv + ceilDiv(x.heads(), tp) + conv + inner;
    }
    GatedDeltaNet g = (GatedDeltaNet) m;
    long keyDim = ceilDiv(g.keyHeads(), tp) * g.keyHeadDim();
    long valueDim = ceilDiv(g.valueHeads(), tp) * g.valueHeadDim();
    return 2 * keyDim + 2 * valueDim + 2 * ceilDiv(g.valueHeads(), tp) + 2 * keyDim + 2 * valueDim;
  }

  private long mlpWidth(int tp) {
    if (spec.mlp() instanceof DenseMlp) {
      DenseMlp d = (DenseMlp) spec.mlp();
      return ceilDiv(d.width(), tp) * (d.gated() ? 3 : 2);
    }
    if (spec.mlp() instanceof MoeMlp) {
      MoeMlp moe = (MoeMlp) spec.mlp();
      int perExpert = moe.gated() ? 3 : 2;
      return moe.experts()
          + (long) moe.topK() * ceilDiv(moe.expertWidth(), tp) * perExpert
          + ceilDiv(moe.sharedWidth(), tp) * perExpert;
    }
    return 0;
  }
}
