package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hwledger.api.Deployment;
import io.hwledger.api.LayerMemory;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Workload;
import io.hwledger.testsupport.Verifies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Catalog models read by the production reader and planned, checked against the parameter counts
 * the Hugging Face Hub reports for their safetensors checkpoints (recorded in models.json with
 * their source), which the planner never sees.
 */
@Verifies("FR-PLAN-001")
class PublishedCountsTest {
  private static final ModelCatalog CATALOG = ModelCatalog.builtIn();

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // id, Hub safetensors parameters (models.json, hfApiSafetensorsParameters)
    "llama-3.1-8b, 8030261248",
    "llama-3-8b, 8030261248",
    "qwen2.5-7b, 7615616512",
    // 2,048 of the Hub's count are F32 rotary inv_freq buffers, not parameters
    "llama-2-7b, 6738417664",
  })
  void totalParametersWithinOneInTenThousand(String id, long hub) {
    assertThat(CATALOG.find(id).orElseThrow().hubParameters()).hasValue(hub);
    long planned = Planner.of(CATALOG.spec(id)).totalParameters();
    assertThat((double) planned).isCloseTo((double) hub, within(hub * 1e-4));
  }

  @Test
  void llama2RotaryBuffersAreTheOnlyDifference() {
    long planned = Planner.of(CATALOG.spec("llama-2-7b")).totalParameters();
    assertThat(6_738_417_664L - planned).isEqualTo(32L * 64); // 32 layers · head_dim/2 inv_freq
  }

  @Test
  void qwen3NextCheckpointAddsOneMultiTokenPredictionLayer() {
    // The Hub count (81,324,862,720) includes the MTP module, which plain inference does not load:
    // one more full-attention MoE decoder layer, fc (2·hidden → hidden), two pre-fc norms and a
    // final norm, hidden = 2048.
    ModelSpec spec = CATALOG.spec("qwen3-next-80b-a3b-instruct");
    MemoryPlan plan =
        Planner.of(spec)
            .planWithLayers(spec.defaultPrecision(), Workload.of(1, 1), Deployment.singleGpu());
    LayerMemory fullAttentionLayer =
        plan.layers().stream().filter(l -> l.mixer().equals("attention")).findFirst().orElseThrow();
    long mtp = fullAttentionLayer.parameters() + 2L * 2048 * 2048 + 3 * 2048;
    assertThat(plan.totalParameters() + mtp).isEqualTo(81_324_862_720L);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // id, Hub BF16 parameters, Hub U8 count of the MXFP4 experts
    "gpt-oss-20b, 1804459584, 19707494400",
    "gpt-oss-120b, 2167371072, 118244966400",
  })
  void gptOssCheckpointBytesAreExact(String id, long bf16, long u8) {
    // gpt-oss stores expert matrices as MXFP4 and every other tensor in bf16. The Hub counts the
    // MXFP4 tensors as U8 "parameters": one per FP4 value plus one per e8m0 scale (one scale per
    // 32 values), so U8 = 33/32 · values. On disk they take 16 bytes of values + 1 byte of scale
    // per 32 values: U8 · 17/33 bytes. The planner's weights must be 2 · BF16 + U8 · 17/33 bytes.
    ModelSpec spec = CATALOG.spec(id);
    MemoryPlan plan =
        Planner.of(spec).plan(spec.defaultPrecision(), Workload.of(1, 1), Deployment.singleGpu());
    assertThat(u8 % 33).isZero();
    assertThat(plan.total().weightsBytes()).isEqualTo(2 * bf16 + u8 / 33 * 17);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // id, pytorch_model.bin.index.json total_size in bf16 bytes (models.json notes), vocab, hidden
    "falcon-7b, 14434379520, 65024, 4544",
    "falcon-40b, 83671941120, 65024, 8192",
  })
  void falconCheckpointSizeCountsTheTiedHeadTwice(String id, long indexBytes, long vocab, long h) {
    // Falcon ties its head to the embedding, but a .bin index's total_size adds every state_dict
    // entry, so the shared table appears twice: index bytes = 2 · (parameters + vocab · hidden).
    long planned = Planner.of(CATALOG.spec(id)).totalParameters();
    assertThat(2 * (planned + vocab * h)).isEqualTo(indexBytes);
  }
}
