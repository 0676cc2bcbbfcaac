package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.api.DType;
import io.hwledger.math.engine.EngineModels;
import io.hwledger.testsupport.Verifies;
import org.junit.jupiter.api.Test;

@Verifies("FR-SPEED-002")
class UtilizationTest {

  @Test
  void enginesMapToTheirGroupsPair() {
    EngineModels engines = EngineModels.defaults();
    assertThat(engines.get("llamacpp").utilization()).isSameAs(Utilization.LLAMA_CPP);
    assertThat(engines.get("mlx").utilization()).isSameAs(Utilization.LLAMA_CPP_METAL);
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
    assertThatThrownBy(() -> new Utilization(0.5, 0.5, 0, 0.5, 0))
        .hasMessageContaining("quantizedMemoryBandwidth");
    assertThatThrownBy(() -> new Utilization(0.5, 0.5, 0.5, 2, 0))
        .hasMessageContaining("quantizedModelFlops");
    assertThatThrownBy(() -> new Utilization(0.5, 0.5, 0.5, 0.5, -1e-6))
        .hasMessageContaining("layerSeconds");
    assertThatThrownBy(() -> new Utilization(0.5, 0.5, 0.5, 0.5, Double.POSITIVE_INFINITY))
        .hasMessageContaining("layerSeconds");
  }

  @Test
  void compressedWeightsSelectTheQuantisedFractions() {
    Utilization u = new Utilization(0.8, 0.7, 0.6, 0.5, 0);
    assertThat(u.memoryBandwidth(DType.BF16)).isEqualTo(0.8);
    assertThat(u.modelFlops(DType.FP16)).isEqualTo(0.7);
    assertThat(u.memoryBandwidth(DType.parse("q4_k"))).isEqualTo(0.6);
    assertThat(u.modelFlops(DType.parse("q4_0"))).isEqualTo(0.5);
    assertThat(u.memoryBandwidth(DType.FP8_E4M3)).isEqualTo(0.6);
    // The two-argument form is one pair for every weight class and no per-layer time.
    assertThat(new Utilization(0.8, 0.7)).isEqualTo(new Utilization(0.8, 0.7, 0.8, 0.7, 0));
  }
}
