package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.math.engine.EngineModels;
import io.hwledger.testsupport.Verifies;
import org.junit.jupiter.api.Test;

@Verifies("FR-SPEED-002")
class UtilizationTest {

  @Test
  void enginesMapToTheirGroupsPair() {
    EngineModels engines = EngineModels.defaults();
    assertThat(engines.get("llamacpp").utilization()).isSameAs(Utilization.LLAMA_CPP);
    assertThat(engines.get("mlx").utilization()).isSameAs(Utilization.LLAMA_CPP);
    assertThat(engines.get("vllm").utilization()).isSameAs(Utilization.SERVING);
    assertThat(engines.get("sglang").utilization()).isSameAs(Utilization.SERVING);
    assertThat(engines.get("trtllm").utilization()).isSameAs(Utilization.SERVING);
    assertThat(engines.get("generic").utilization()).isSameAs(Utilization.SERVING);
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
