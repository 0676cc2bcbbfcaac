package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.api.EngineProfile;
import org.junit.jupiter.api.Test;

class UtilizationTest {

  @Test
  void enginesMapToTheirGroupsPair() {
    assertThat(Utilization.forEngine(EngineProfile.LLAMA_CPP)).isSameAs(Utilization.LLAMA_CPP);
    assertThat(Utilization.forEngine(EngineProfile.MLX)).isSameAs(Utilization.LLAMA_CPP);
    assertThat(Utilization.forEngine(EngineProfile.VLLM)).isSameAs(Utilization.SERVING);
    assertThat(Utilization.forEngine(EngineProfile.SGLANG)).isSameAs(Utilization.SERVING);
    assertThat(Utilization.forEngine(EngineProfile.TENSORRT_LLM)).isSameAs(Utilization.SERVING);
    assertThat(Utilization.forEngine(EngineProfile.GENERIC)).isSameAs(Utilization.SERVING);
  }

  @Test
  void rejectsFractionsOutsideZeroToOne() {
    assertThatThrownBy(() -> new Utilization(0, 0.5)).hasMessageContaining("memoryBandwidth");
    assertThatThrownBy(() -> new Utilization(0.5, 1.01)).hasMessageContaining("modelFlops");
    assertThatThrownBy(() -> new Utilization(Double.NaN, 0.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new Utilization(1, 1).memoryBandwidth()).isEqualTo(1);
  }
}
