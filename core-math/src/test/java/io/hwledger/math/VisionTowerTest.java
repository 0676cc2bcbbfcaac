package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.api.Deployment;
import io.hwledger.api.ModelConfigException;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Workload;
import io.hwledger.math.engine.vllm.VllmEngine;
import io.hwledger.testsupport.Verifies;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: the vision tower and multimodal projector of a multimodal checkpoint, read from its
 * {@code vision_config} and held by vLLM beside the decoder. Expected counts are written out from
 * the published configs and the transformers module shapes, and checked against the Hugging Face
 * Hub API's safetensors totals less the text model.
 */
@Verifies("FR-PLAN-031")
class VisionTowerTest {
  private static final ModelCatalog CATALOG = ModelCatalog.builtIn();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static long text(String id) {
    return Planner.of(CATALOG.spec(id)).totalParameters();
  }

  private static long vision(String id) {
    return CATALOG.spec(id).visionParameters();
  }

  @Test
  void magistralPixtralTowerAndProjectorAreTheHubCountLessTheTextModel() {
    // Pixtral: hidden 1024, 24 layers, FFN 4096 (gated), patch 14, 3 channels, no biases;
    // Mistral3MultiModalProjector: RMSNorm(1024), merger Linear(4 · 1024, 1024), Linear(1024,
    // 5120), Linear(5120, 5120). The catalog's notes write out 403,305,472 + 35,652,608.
    long layer = 4L * 1024 * 1024 + 3L * 1024 * 4096 + 2 * 1024;
    long tower = 24 * layer + 3L * 14 * 14 * 1024 + 1024;
    long projector = 1024 + 4L * 1024 * 1024 + 1024L * 5120 + 5120L * 5120;
    assertThat(tower).isEqualTo(403_305_472L);
    assertThat(projector).isEqualTo(35_652_608L);
    assertThat(vision("magistral-small-2509")).isEqualTo(438_958_080L);
    // Hub API (recorded in the catalog): 24,011,361,280 = text model + tower + projector
    assertThat(text("magistral-small-2509") + vision("magistral-small-2509"))
        .isEqualTo(24_011_361_280L);
  }

  @Test
  void gemma3SiglipTowerAndProjectorAreTheHubCountLessTheTextModel() {
    // SigLIP (vision_use_head false): hidden 1152, 27 layers, FFN 4304, patch 14, image 896.
    // Conv2d(3, 1152, 14) with bias; (896 / 14)² = 4096 position rows; per layer q/k/v/out and
    // fc1/fc2 with biases, two LayerNorms; post LayerNorm. Gemma3MultiModalProjector:
    // mm_input_projection_weight 1152 × 5376 and an RMSNorm(1152).
    long layer =
        4 * (1152L * 1152 + 1152) + (1152L * 4304 + 4304) + (4304L * 1152 + 1152) + 4 * 1152;
    long tower = (3L * 14 * 14 * 1152 + 1152) + 4096L * 1152 + 27 * layer + 2 * 1152;
    long projector = 1152L * 5376 + 1152;
    assertThat(vision("gemma-3-27b-it")).isEqualTo(tower + projector).isEqualTo(423_060_336L);
    // Hub API google/gemma-3-27b-it: safetensors BF16 27,432,406,640 (also llama.cpp's n_params
    // for the converted model, vision included in the Hub figure); text model 27,009,346,304.
    assertThat(text("gemma-3-27b-it")).isEqualTo(27_009_346_304L);
    assertThat(text("gemma-3-27b-it") + vision("gemma-3-27b-it")).isEqualTo(27_432_406_640L);
  }

  @Test
  void llama4ScoutTowerAndProjectorAreTheHubCountLessTheTextModel() {
    // Llama4VisionModel: hidden 1408, 34 layers, FFN 5632, patch 14, image 336. Unfold linear
    // 588 → 1408 without bias, class embedding, (336 / 14)² + 1 = 577 position rows, pre and post
    // LayerNorms; per layer q/k/v/o and fc1/fc2 with biases, two LayerNorms; pixel-shuffle adapter
    // fc1 5632 → 4096, fc2 4096 → 4096 without biases; projector linear_1 4096 → 5120.
    long layer =
        4 * (1408L * 1408 + 1408) + (1408L * 5632 + 5632) + (5632L * 1408 + 1408) + 4 * 1408;
    long tower =
        588L * 1408 + 1408 + 577L * 1408 + 4 * 1408 + 34 * layer + 5632L * 4096 + 4096L * 4096;
    long projector = 4096L * 5120;
    assertThat(vision("llama-4-scout-17b-16e-instruct"))
        .isEqualTo(tower + projector)
        .isEqualTo(871_932_416L);
    // Hub API meta-llama/Llama-4-Scout-17B-16E-Instruct: safetensors BF16 108,641,793,536
    assertThat(text("llama-4-scout-17b-16e-instruct") + vision("llama-4-scout-17b-16e-instruct"))
        .isEqualTo(108_641_793_536L);
  }

  @Test
  void textOnlyModelsHaveNoVisionTower() {
    assertThat(vision("llama-3.1-8b")).isZero();
    assertThat(vision("gemma-3-1b-it")).isZero();
  }

  @Test
  void aSiglipTowerWithItsPoolingHeadIsRefused() throws Exception {
    ObjectNode c = gemma3();
    ((ObjectNode) c.get("vision_config")).put("vision_use_head", true);
    assertThatThrownBy(() -> HfConfigReader.parse(c.toString(), "g"))
        .isInstanceOf(ModelConfigException.class)
        .hasMessageContaining("vision_config.vision_use_head true");
  }

  @Test
  void aVisionConfigMissingASizeIsRefused() throws Exception {
    ObjectNode c = gemma3();
    ((ObjectNode) c.get("vision_config")).remove("intermediate_size");
    assertThatThrownBy(() -> HfConfigReader.parse(c.toString(), "g"))
        .isInstanceOf(ModelConfigException.class)
        .hasMessageContaining("vision_config.intermediate_size");
  }

  @Test
  void theModelDocumentKeepsTheVisionCount() {
    ModelSpec scout = CATALOG.spec("llama-4-scout-17b-16e-instruct");
    assertThat(ModelSpecJson.readModel(ModelSpecJson.write(scout))).isEqualTo(scout);
  }

  @Test
  void vllmHoldsTheTowerSplitOverTheTensorParallelRanks() {
    // bf16: 871,932,416 · 2 B over 4 ranks = 435,966,208 B more weights on each GPU
    ModelSpec scout = CATALOG.spec("llama-4-scout-17b-16e-instruct");
    ModelSpec textOnly = withoutVision(scout);
    Deployment tp4 = Deployment.singleGpu().withEngine(VllmEngine.defaults()).withTensorParallel(4);
    Workload w = Workload.of(8192, 1);
    long with = Planner.of(scout).plan(scout.defaultPrecision(), w, tp4).perGpu().weightsBytes();
    long without =
        Planner.of(textOnly).plan(scout.defaultPrecision(), w, tp4).perGpu().weightsBytes();
    assertThat(with - without).isEqualTo(871_932_416L * 2 / 4).isEqualTo(435_966_208L);
  }

  private static ModelSpec withoutVision(ModelSpec m) {
    return new ModelSpec(
        m.name(),
        m.vocabSize(),
        m.hiddenSize(),
        m.tiedEmbeddings(),
        m.norm(),
        m.layers(),
        m.contextLimit(),
        m.defaultPrecision(),
        m.positionEmbeddings(),
        m.weightBlockSize());
  }

  private static ObjectNode gemma3() throws Exception {
    try (var in =
        VisionTowerTest.class.getResourceAsStream(
            "/io/hwledger/math/catalog/models/gemma-3-27b-it.json")) {
      return (ObjectNode) JSON.readTree(in);
    }
  }
}
