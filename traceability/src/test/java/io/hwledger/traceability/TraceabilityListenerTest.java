package io.hwledger.traceability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.hwledger.testsupport.TraceabilityListener;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** Runs sample test classes through a real JUnit launcher and reads what the listener wrote. */
@Verifies("FR-QUALITY-001")
class TraceabilityListenerTest {

  /** A contract a plugin's test class inherits, as the TCK's contracts are. */
  @Verifies("FR-A-001")
  interface SampleContract {
    @Test
    default void inherited() {}
  }

  abstract static class SampleBase {
    @Test
    void fromTheBase() {}
  }

  @Verifies("FR-B-001")
  static class SampleAnnotated extends SampleBase implements SampleContract {
    @Test
    @Verifies("FR-C-001")
    void withItsOwnToo() {}

    @Test
    void failing() {
      throw new AssertionError("expected to fail");
    }

    @Test
    @Disabled("never runs")
    void disabled() {}

    @Nested
    class Inner {
      @Test
      void nestedInheritsTheEnclosingClasssRequirements() {}
    }
  }

  @Test
  void everyTestIsRecordedWithItsResultAndTheRequirementsItsAnnotationsResolveTo(@TempDir Path dir)
      throws IOException {
    Path record = dir.resolve("target/traceability/tests.tsv");
    Launcher launcher =
        LauncherFactory.create(
            LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false)
                .addTestExecutionListeners(new TraceabilityListener(record))
                .build());
    launcher.execute(
        LauncherDiscoveryRequestBuilder.request()
            .selectors(selectClass(SampleAnnotated.class), selectClass(BareSample.class))
            .build());

    Map<String, TestRun> byMethod =
        TestRuns.parse("m", record).stream().collect(Collectors.toMap(TestRun::method, run -> run));
    String annotated = SampleAnnotated.class.getName();
    assertThat(byMethod.get("withItsOwnToo"))
        .isEqualTo(
            new TestRun(
                "m",
                "SUCCESSFUL",
                annotated,
                "withItsOwnToo",
                "withItsOwnToo()",
                List.of("FR-C-001", "FR-B-001", "FR-A-001", "FR-QUALITY-001")));
    // the class's own, its interface's, then the enclosing test class's
    assertThat(byMethod.get("inherited").requirements())
        .containsExactly("FR-B-001", "FR-A-001", "FR-QUALITY-001");
    assertThat(byMethod.get("inherited").className()).isEqualTo(annotated);
    assertThat(byMethod.get("fromTheBase").requirements())
        .containsExactly("FR-B-001", "FR-A-001", "FR-QUALITY-001");
    assertThat(byMethod.get("failing").status()).isEqualTo("FAILED");
    assertThat(byMethod.get("disabled").status()).isEqualTo("SKIPPED");
    TestRun nested = byMethod.get("nestedInheritsTheEnclosingClasssRequirements");
    assertThat(nested.className()).isEqualTo(annotated + "$Inner");
    assertThat(nested.outerClassName()).isEqualTo(TraceabilityListenerTest.class.getName());
    assertThat(nested.requirements()).containsExactly("FR-B-001", "FR-A-001", "FR-QUALITY-001");
    assertThat(byMethod.get("namesNothing").requirements()).isEmpty();
    assertThat(byMethod).hasSize(7);
  }
}
