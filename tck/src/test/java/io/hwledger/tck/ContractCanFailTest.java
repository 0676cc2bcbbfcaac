package io.hwledger.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.hwledger.testsupport.Verifies;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the TCK against broken backends through the JUnit Platform and checks that it fails them.
 */
@Verifies("FR-TELEMETRY-009")
class ContractCanFailTest {

  /** Outcome of each contract method: method name to SUCCESSFUL / FAILED / ABORTED / SKIPPED. */
  private static Map<String, String> run(Class<?> fixture) {
    Map<String, String> outcomes = new TreeMap<>();
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request().selectors(selectClass(fixture)).build();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(
        request,
        new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            id.getSource()
                .filter(MethodSource.class::isInstance)
                .map(MethodSource.class::cast)
                .ifPresent(
                    m -> {
                      outcomes.put(m.getMethodName(), result.getStatus().name());
                      if (System.getProperty("tck.debug") != null) {
                        result
                            .getThrowable()
                            .ifPresent(t -> System.err.println(m.getMethodName() + ": " + t));
                      }
                    });
          }

          @Override
          public void executionSkipped(TestIdentifier id, String reason) {
            id.getSource()
                .filter(MethodSource.class::isInstance)
                .map(MethodSource.class::cast)
                .ifPresent(m -> outcomes.put(m.getMethodName(), "SKIPPED"));
          }
        });
    return outcomes;
  }

  private static Set<String> failed(Map<String, String> outcomes) {
    Set<String> failed = new TreeSet<>();
    outcomes.forEach(
        (method, status) -> {
          if (status.equals("FAILED")) {
            failed.add(method);
          }
        });
    return failed;
  }

  @Test
  void aCorrectBackendPassesEveryCheck() {
    Map<String, String> outcomes = run(InMemoryBackendTckTest.class);
    assertThat(outcomes).hasSize(14);
    assertThat(failed(outcomes)).isEmpty();
    // available, so only the "unavailable" check is skipped (aborted by its assumption)
    assertThat(outcomes).containsEntry("openWhenUnavailableThrowsUnavailable", "ABORTED");
  }

  @ParameterizedTest(name = "{0} fails {1}")
  @CsvSource({
    "ThrowsOnAvailability, isAvailableNeverThrows",
    "ZeroForUnsupportedPower, unsupportedMetricsAreAbsent",
    "ZeroForUnsupportedPower, noUnexplainedZeros",
    "ZeroForUnsupportedPowerUndeclared, noUnexplainedZeros",
    "UsedPlusFreeExceedsTotal, memoryAddsUp",
    "UsedPlusFreeExceedsTotal, concurrentSamplingIsSafe",
    "UnstableUuid, devicesAreStable",
    "WallClockTimestamps, timestampsComeFromTheInjectedClock",
    "UsableAfterClose, closeIsIdempotentAndLaterCallsFail",
    "NotThreadSafe, concurrentSamplingIsSafe",
  })
  void aBrokenBackendFailsTheCheckForItsDefect(String fixture, String check) throws Exception {
    Class<?> type = Class.forName(BrokenFixtures.class.getName() + "$" + fixture);
    Set<String> failed = failed(run(type));
    assertThat(failed).contains(check);
  }

  @Test
  void eachDefectFailsOnlyTheChecksAboutIt() {
    assertThat(failed(run(BrokenFixtures.UsableAfterClose.class)))
        .containsExactly("closeIsIdempotentAndLaterCallsFail");
    assertThat(failed(run(BrokenFixtures.WallClockTimestamps.class)))
        .containsExactly("timestampsComeFromTheInjectedClock");
    assertThat(failed(run(BrokenFixtures.ZeroForUnsupportedPower.class)))
        .containsExactly("noUnexplainedZeros", "unsupportedMetricsAreAbsent");
  }
}
