package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.api.Attention;
import io.hwledger.api.DenseMlp;
import io.hwledger.api.GatedDeltaNet;
import io.hwledger.api.LatentAttention;
import io.hwledger.api.Mamba1;
import io.hwledger.api.Mamba2;
import io.hwledger.api.Mixer;
import io.hwledger.api.MlaCacheLayout;
import io.hwledger.api.Mlp;
import io.hwledger.api.MoeMlp;
import io.hwledger.api.NoMlp;
import io.hwledger.testsupport.Verifies;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

@Verifies({"FR-PLAN-012", "FR-PLAN-005", "FR-PLAN-006"})
class KindsTest {
  // Head counts of published models: Llama 3 70B (64 query, 8 KV heads), DeepSeek-V3 (128 MLA
  // heads), Mamba-2 2.7B (80 SSM heads, 1 group), Qwen3-Next (16 key, 32 value heads).
  private static final Attention LLAMA_70B = Attention.full(64, 8, 128);
  private static final LatentAttention DEEPSEEK_V3 =
      new LatentAttention(128, 1536, 512, 128, 64, 128);
  private static final Mamba1 MAMBA_2_8B = new Mamba1(5120, 16, 4, 160, true, false, false);
  private static final Mamba2 MAMBA2_2_7B = new Mamba2(5120, 128, 4, 1, 80, 64, true, false);
  private static final GatedDeltaNet QWEN3_NEXT = new GatedDeltaNet(16, 32, 128, 128, 4);

  private static final List<Mixer> MIXERS =
      List.of(LLAMA_70B, DEEPSEEK_V3, MAMBA_2_8B, MAMBA2_2_7B, QWEN3_NEXT);
  private static final List<Mlp> MLPS =
      List.of(
          new DenseMlp(14_336, true, false),
          new MoeMlp(8, 2, 14_336, 0, true, false, false, false),
          NoMlp.INSTANCE);

  @Test
  void everyPermittedMixerHasItsOwnKind() {
    assertThat(MIXERS.stream().map(Object::getClass).collect(Collectors.toSet()))
        .isEqualTo(Set.of(Mixer.class.getPermittedSubclasses()));
    Set<Class<?>> kinds =
        MIXERS.stream().map(m -> Kinds.of(m).getClass()).collect(Collectors.toSet());
    assertThat(kinds).hasSameSizeAs(MIXERS);
  }

  @Test
  void everyPermittedMlpHasItsOwnKind() {
    assertThat(MLPS.stream().map(Object::getClass).collect(Collectors.toSet()))
        .isEqualTo(Set.of(Mlp.class.getPermittedSubclasses()));
    Set<Class<?>> kinds =
        MLPS.stream().map(m -> Kinds.of(m).getClass()).collect(Collectors.toSet());
    assertThat(kinds).hasSameSizeAs(MLPS);
  }

  @Test
  void tensorParallelValidityIsEachKindsOwn() {
    // Attention: TP divides the 64 query heads and divides or is a multiple of the 8 KV heads.
    assertThat(Kinds.of(LLAMA_70B).splitsEvenly(16)).isTrue();
    assertThat(Kinds.of(LLAMA_70B).splitsEvenly(4)).isTrue();
    assertThat(Kinds.of(LLAMA_70B).splitsEvenly(3)).isFalse();
    assertThat(Kinds.of(DEEPSEEK_V3).splitsEvenly(8)).isTrue();
    assertThat(Kinds.of(DEEPSEEK_V3).splitsEvenly(6)).isFalse();
    assertThat(Kinds.of(MAMBA2_2_7B).splitsEvenly(16)).isTrue();
    assertThat(Kinds.of(MAMBA2_2_7B).splitsEvenly(32)).isFalse();
    assertThat(Kinds.of(QWEN3_NEXT).splitsEvenly(16)).isTrue();
    assertThat(Kinds.of(QWEN3_NEXT).splitsEvenly(32)).isFalse(); // 16 key heads
    // Mamba-1 has no head count to divide: every degree is taken.
    assertThat(Arrays.stream(new int[] {1, 3, 7, 64}).allMatch(Kinds.of(MAMBA_2_8B)::splitsEvenly))
        .isTrue();
  }

  @Test
  void onlyAttentionCachesAndOnlyRecurrentMixersKeepState() {
    for (Mixer m : MIXERS) {
      MixerKind kind = Kinds.of(m);
      boolean recurrent = kind instanceof RecurrentKind;
      assertThat(kind.kvBytesPerToken(TestModels.BF16, 1, MlaCacheLayout.LATENT) == 0)
          .as(m.label())
          .isEqualTo(recurrent);
      assertThat(kind.stateBytesPerSequence(TestModels.BF16, 1) == 0)
          .as(m.label())
          .isNotEqualTo(recurrent);
      assertThat(kind.attentionHeads() == 0).as(m.label()).isEqualTo(recurrent);
    }
  }

  @Test
  void mamba2StateCountsTheConvolutionBufferOnce() {
    // Mamba-2 2.7B, bf16: SSM 80 heads · 64 · d_state 128 = 655,360 elements, conv (5120 + 2 · 1 ·
    // 128) channels · (4 − 1) = 16,128 elements: 1,342,976 bytes. TP 2: 40 heads, the single group
    // kept whole: 327,680 + (2560 + 256) · 3 = 336,128 elements, 672,256 bytes.
    MixerKind kind = Kinds.of(MAMBA2_2_7B);
    assertThat(kind.stateBytesPerSequence(TestModels.BF16, 1)).isEqualTo(1_342_976L);
    assertThat(kind.stateBytesPerSequence(TestModels.BF16, 2)).isEqualTo(672_256L);
    // 4 operations per SSM state element, the conv buffer not counted: 4 · 655,360.
    assertThat(kind.recurrentOpsPerToken()).isEqualTo(2_621_440.0);
  }
}
