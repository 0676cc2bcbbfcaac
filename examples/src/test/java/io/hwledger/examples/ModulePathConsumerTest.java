package io.hwledger.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.testsupport.Verifies;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The published modules used as a consumer on the module path uses them: a child JVM started with
 * {@code --module-path} (this module's classes and its runtime jars, listed by the build in {@code
 * target/runtime-module-path.txt}) and {@code -m}, so the module descriptors decide what is
 * readable, what is exported and what {@code provides} offers. A missing {@code exports}, {@code
 * opens}, {@code requires} or {@code provides} fails here and nowhere else, since the other tests
 * run on the class path.
 */
@Verifies("FR-MODULE-001")
class ModulePathConsumerTest {

  @Test
  void aModulePathApplicationPlansRecordsAndFindsPluginsThroughTheDescriptors() throws Exception {
    Path target = Path.of("target");
    String runtimeJars =
        Files.readString(target.resolve("runtime-module-path.txt"), StandardCharsets.UTF_8).trim();
    String modulePath = target.resolve("classes") + File.pathSeparator + runtimeJars;
    String out =
        ChildJvm.run(
            "-Dhwledger.fakecsv=classpath:hwledger-examples/fake-gpus.csv",
            "--module-path",
            modulePath,
            "-m",
            "io.hwledger.examples/io.hwledger.examples.ModulePathConsumer");

    List<String> lines = out.lines().toList();
    assertThat(lines)
        .contains(
            "module=io.hwledger.examples",
            // the six built-ins in their fixed order, then the third-party engine by id
            "engines=generic,vllm,llamacpp,sglang,trtllm,mlx,tgi",
            // the hand arithmetic in TgiEngineModelTest: floor(58,961,772,339 / 131,072)
            "plan=tgi kvCacheTokens=449842",
            "seq 0, ledger ok=true, included in the signed tree of 1: true",
            // fake-gpus.csv, the two rows
            "device=0 Fake H100 80GB",
            "device=1 Fake old card");
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("backends=").contains("fake-csv"));
  }

  @Test
  void theConsumerRunsAsANamedModuleOnlyWhenLaunchedSo() throws IOException {
    // On this test's class path the same class is in the unnamed module: the child JVM above is
    // what exercises the descriptors.
    assertThat(ModulePathConsumer.class.getModule().isNamed()).isFalse();
  }
}
