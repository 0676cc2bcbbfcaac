package io.hwledger.examples.tgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.api.Deployment;
import io.hwledger.api.EnginePlan;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.Workload;
import io.hwledger.math.GpuCatalog;
import io.hwledger.math.ModelCatalog;
import io.hwledger.math.Planner;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * TGI's warm-up arithmetic on a published model, written out by hand, and the example engine used
 * through the real command line (a child JVM with this module's class path, where the engine's
 * {@code META-INF/services} line is).
 */
@Verifies("FR-ENGINE-007")
class TgiEngineModelTest {

  /**
   * Llama-3.1-8B in bf16 on an H100 SXM, TGI defaults, 8,192-token context. TGI reads the device's
   * memory from PyTorch ({@code torch.cuda.mem_get_info}), so the total is the catalog's
   * CUDA-visible 85,017,755,648 bytes (deviceQuery's 81,079 MiB), not nvidia-smi's 81,559 MiB:
   *
   * <pre>
   * limit   = floor(85,017,755,648 · 1.0 · 0.90)                     = 76,515,980,083
   * weights = 8,030,261,248 parameters · 2 bytes                      = 16,060,522,496
   * prefill = min(4,096, 131,072) tokens · (2 · 4,096 + 3 · 14,336) · 2 bytes
   *         + one token's fp32 logits, 128,256 · 4                     =    419,943,424
   * runtime                                                            =  1,073,741,824
   * pool    = 76,515,980,083 − 16,060,522,496 − 419,943,424 − 1,073,741,824 = 58,961,772,339
   * KV/token = 32 layers · 8 heads · 128 · (K + V) · 2 bytes           =        131,072
   * tokens  = floor(58,961,772,339 / 131,072) (blocks of 1, flashinfer) =        449,842
   * </pre>
   */
  @Test
  void llama31_8bOnAnH100HoldsTheTokensTheWarmUpArithmeticGives() {
    ModelSpec model = ModelCatalog.builtIn().spec("llama-3.1-8b");
    Deployment d =
        Deployment.singleGpu()
            .onGpu(GpuCatalog.builtIn().get("h100-sxm-80gb"))
            .withEngine(TgiEngine.defaults());
    MemoryPlan plan = Planner.of(model).plan(model.defaultPrecision(), Workload.of(8192, 4), d);
    EnginePlan tgi = plan.engine().orElseThrow();
    assertThat(tgi.engine()).isEqualTo("tgi");
    assertThat(tgi.memoryLimitBytes()).isEqualTo(76_515_980_083L);
    assertThat(plan.perGpu().weightsBytes()).isEqualTo(16_060_522_496L);
    assertThat(plan.perGpu().activationBytes()).isEqualTo(419_943_424L);
    assertThat(tgi.kvCacheTokens()).isEqualTo(449_842L);
    assertThat(tgi.kvCacheBytes()).isEqualTo(449_842L * 131_072);
    assertThat(tgi.maxConcurrency()).isCloseTo(449_842 / 8192.0, within(1e-9));
  }

  @Test
  void pagedAttentionRoundsTheCacheToBlocksOfSixteen() {
    ModelSpec model = ModelCatalog.builtIn().spec("llama-3.1-8b");
    Deployment d =
        Deployment.singleGpu()
            .onGpu(GpuCatalog.builtIn().get("h100-sxm-80gb"))
            .withEngine(new TgiEngine(1.0, OptionalLong.empty(), "paged"));
    EnginePlan tgi =
        Planner.of(model)
            .plan(model.defaultPrecision(), Workload.of(8192, 4), d)
            .engine()
            .orElseThrow();
    // floor(58,961,772,339 / (16 · 131,072)) = 28,115 blocks of 16 tokens
    assertThat(tgi.kvCacheTokens()).isEqualTo(28_115L * 16);
  }

  @Test
  void pipelineStagesAreRefused() {
    ModelSpec model = ModelCatalog.builtIn().spec("llama-3.1-8b");
    Deployment d = Deployment.singleGpu().withPipelineParallel(2).withEngine(TgiEngine.defaults());
    assertThatThrownBy(
            () -> Planner.of(model).plan(model.defaultPrecision(), Workload.of(8192, 1), d))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tensor parallelism only");
  }

  @Test
  void theCommandLinePlansExportsAndListsTheEngine() throws Exception {
    JsonNode plan =
        new ObjectMapper()
            .readTree(
                cli(
                    "plan",
                    "--model",
                    "llama-3.1-8b",
                    "--gpu",
                    "h100-sxm-80gb",
                    "--context",
                    "8192",
                    "--users",
                    "4",
                    "--engine",
                    "tgi",
                    "--json"));
    assertThat(plan.get("engine").get("name").asText()).isEqualTo("tgi");
    assertThat(plan.get("engine").get("kvCacheTokens").asLong()).isEqualTo(449_842L);

    String export =
        cli(
            "export",
            "--model",
            "llama-3.1-8b",
            "--gpu",
            "h100-sxm-80gb",
            "--context",
            "8K",
            "--users",
            "4",
            "--tp",
            "2",
            "--engine",
            "tgi",
            "--cuda-memory-fraction",
            "0.95",
            "--kv-cache",
            "fp8");
    assertThat(export.strip())
        .isEqualTo(
            "text-generation-launcher --model-id meta-llama/Llama-3.1-8B --max-input-tokens 8191"
                + " --max-total-tokens 8192 --max-concurrent-requests 4 --num-shard 2"
                + " --cuda-memory-fraction 0.95 --kv-cache-dtype fp8_e4m3fn");

    // picocli wraps the help at 80 columns: compare with the wrapping undone
    assertThat(cli("plan", "--help").replaceAll("\\s+", " "))
        .contains("mlx or tgi: plan memory the way that engine allocates it")
        .contains("--cuda-memory-fraction=F")
        .contains("tgi: share of each GPU's memory it may use");
  }

  /** Runs the command line in a child JVM on this module's class path; returns its output. */
  private static String cli(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.hwledger.cli.Main");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
