package io.hwledger.fleet.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.api.DType;
import io.hwledger.api.ModelSpec;
import io.hwledger.fleet.protocol.JobSpec;
import io.hwledger.fleet.protocol.ModelFile;
import io.hwledger.fleet.protocol.ModelInventory;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.math.CheckpointWeights;
import io.hwledger.math.ModelCatalog;
import io.hwledger.testsupport.Verifies;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Jobs that name a model file on the agents' hosts: planned as each agent read it. */
@Verifies("FR-FLEET-013")
class ModelFileJobTest {
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;
  private static final String GGUF = "/models/llama-3.1-8b-q4_k_m.gguf";
  private static final ModelSpec CATALOG = ModelCatalog.builtIn().spec("llama-3.1-8b");

  /** Llama 3.1 8B as a Q4_K_M GGUF's header describes it: mostly q4_k. */
  private static final ModelSpec LLAMA =
      new ModelSpec(
          CATALOG.name(),
          CATALOG.vocabSize(),
          CATALOG.hiddenSize(),
          CATALOG.tiedEmbeddings(),
          CATALOG.norm(),
          CATALOG.layers(),
          CATALOG.contextLimit(),
          CATALOG.defaultPrecision().withWeights(DType.parse("q4_k")));

  /** Round figures: a 300 MiB embedding, a 400 MiB head, 1 MiB else, 32 layers of 120 MiB. */
  private static final CheckpointWeights Q4 =
      new CheckpointWeights(
          "gguf Q4_K_M",
          8_030_261_248L,
          300 * MIB,
          400 * MIB,
          1 * MIB,
          Collections.nCopies(32, 120 * MIB));

  private static final ModelFile FILE = ModelFile.read(GGUF, "gguf", LLAMA, Q4);

  private final JobPlanner planner = JobPlanner.builtIn();

  private static JobSpec job(String engine, @Nullable String weights) {
    return new JobSpec(
        Protocol.VERSION,
        null,
        null,
        GGUF,
        null,
        engine,
        Map.of(),
        8192,
        1,
        weights,
        null,
        1,
        null);
  }

  private static AgentState agent(String id, Map<String, ModelFile> models) {
    List<GpuState> gpus = new ArrayList<>();
    gpus.add(Plans.gpu(id + "-gpu0", 0, 80, 0, 80, 1));
    return new AgentState(id, true, gpus, models);
  }

  @Test
  void theFilesOwnWeightBytesArePlannedNotTheCatalogsFormat() {
    JobPlan plan = planner.plan(job("generic", null), Plans.gpu("u", 0, 80, 0, 80, 1).kind(), FILE);

    // 300 + 400 + 1 + 32 × 120 = 4,541 MiB, as the file stores them (bf16 would be ~15 GiB)
    assertThat(plan.memoryPlan().perGpu().weightsBytes()).isEqualTo(4_541 * MIB);
  }

  @Test
  void llamaCppRunsTheFileItself() {
    JobPlan plan =
        planner.plan(job("llama.cpp", null), Plans.gpu("u", 0, 80, 0, 80, 1).kind(), FILE);

    List<String> command = plan.launchCommand().orElseThrow();
    assertThat(command).containsSequence("-m", GGUF);
    assertThat(plan.notes()).noneMatch(n -> n.contains("were not read"));
    assertThat(plan.planComputed().inputs()).contains("\"modelFile\":\"" + GGUF + "\"");
  }

  @Test
  void aJobOnlyGoesWhereItsFileIsAndOtherAgentsSayWhyNot() {
    AgentState a = agent("agent-a", Map.of());
    AgentState b = agent("agent-b", Map.of(GGUF, FILE));
    AgentState c =
        agent(
            "agent-c",
            Map.of(GGUF, ModelFile.unreadable(GGUF, "gguf", "unknown architecture 'rwkv9'")));

    Decision placed =
        Placer.withFreshness(java.time.Duration.ofMinutes(1))
            .place(job("generic", null), planner, List.of(a, b, c), Plans.NOW);

    assertThat(placed).isInstanceOf(Placement.class);
    assertThat(((Placement) placed).agentId()).isEqualTo("agent-b");

    Decision refused =
        Placer.withFreshness(java.time.Duration.ofMinutes(1))
            .place(job("generic", null), planner, List.of(a, c), Plans.NOW);
    assertThat(refused).isInstanceOf(Refusal.class);
    assertThat(((Refusal) refused).reasons())
        .extracting(Reason::rule, Reason::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                Reason.Rule.NO_MODEL_FILE,
                "agent agent-a GPU 0 (NVIDIA H100 80GB HBM3): the agent reports no model file "
                    + GGUF),
            org.assertj.core.groups.Tuple.tuple(
                Reason.Rule.NO_MODEL_FILE,
                "agent agent-c GPU 0 (NVIDIA H100 80GB HBM3): the agent cannot read model file "
                    + GGUF
                    + ": unknown architecture 'rwkv9'"));
  }

  @Test
  void aModelFileJobTakesNoOtherFormatOrPath() {
    assertThatThrownBy(
            () ->
                planner.plan(job("generic", "bf16"), Plans.gpu("u", 0, 80, 0, 80, 1).kind(), FILE))
        .hasMessage(
            "weights: a modelFile job's weights are what "
                + GGUF
                + " stores (q4_k); leave weights out");
    assertThatThrownBy(
            () ->
                new JobSpec(
                    Protocol.VERSION,
                    null,
                    null,
                    "models/x.gguf",
                    null,
                    "vllm",
                    Map.of(),
                    1,
                    1,
                    null,
                    null,
                    1,
                    null))
        .hasMessage("modelFile must be an absolute path, was models/x.gguf");
    assertThatThrownBy(
            () ->
                new JobSpec(
                    Protocol.VERSION,
                    null,
                    null,
                    "/m/../etc/x.gguf",
                    null,
                    "vllm",
                    Map.of(),
                    1,
                    1,
                    null,
                    null,
                    1,
                    null))
        .hasMessage("modelFile must not hold a '..' segment, was /m/../etc/x.gguf");
    assertThatThrownBy(
            () ->
                new JobSpec(
                    Protocol.VERSION,
                    "llama-3.1-8b",
                    null,
                    GGUF,
                    null,
                    "vllm",
                    Map.of(),
                    1,
                    1,
                    null,
                    null,
                    1,
                    null))
        .hasMessage("give exactly one of model, config and modelFile");
  }

  @Test
  void anInventoryTravelsAsJsonAndABadModelIsOneLine() throws Exception {
    ObjectMapper json = Protocol.json();
    ModelInventory inventory =
        new ModelInventory(
            Protocol.VERSION,
            List.of(FILE, ModelFile.unreadable("/models/broken.gguf", "gguf", "truncated header")));

    String text = json.writeValueAsString(inventory);
    assertThat(json.readValue(text, ModelInventory.class)).isEqualTo(inventory);

    ObjectNode tree = (ObjectNode) json.readTree(text);
    ((ObjectNode) tree.at("/files/0/spec/layers/0/mixer")).put("queryHeads", -1);
    // the server answers 400 with Jackson's original message: one line naming the member
    assertThatThrownBy(() -> json.readValue(tree.toString(), ModelInventory.class))
        .isInstanceOfSatisfying(
            com.fasterxml.jackson.core.JsonProcessingException.class,
            e ->
                assertThat(e.getOriginalMessage())
                    .isEqualTo(
                        "files[0].spec.layers[0].mixer: queryHeads must be positive, was -1"));

    JsonNode twice = json.readTree(text);
    ((com.fasterxml.jackson.databind.node.ArrayNode) twice.get("files")).add(twice.at("/files/0"));
    assertThatThrownBy(() -> json.readValue(twice.toString(), ModelInventory.class))
        .hasMessageContaining("files lists " + GGUF + " twice");
  }
}
