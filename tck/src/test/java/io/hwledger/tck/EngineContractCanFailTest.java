package io.hwledger.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.testsupport.Verifies;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** Runs the engine contract against a broken engine model and checks that it fails it. */
@Verifies("FR-ENGINE-007")
class EngineContractCanFailTest {

  @Test
  void aBrokenEngineModelFailsEveryCheckItBreaks() {
    Map<String, String> outcomes = new TreeMap<>();
    LauncherFactory.create()
        .execute(
            LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(BrokenEngineFixtures.Broken.class))
                .build(),
            new TestExecutionListener() {
              @Override
              public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                id.getSource()
                    .filter(MethodSource.class::isInstance)
                    .map(MethodSource.class::cast)
                    .ifPresent(m -> outcomes.put(m.getMethodName(), result.getStatus().name()));
              }
            });
    assertThat(outcomes)
        .containsEntry("isFoundWithServiceLoaderByItsId", "FAILED")
        .containsEntry("identityIsWellFormed", "FAILED")
        .containsEntry("settingsAreUniqueAndDescribed", "FAILED")
        .containsEntry("aMalformedSettingIsAOneLineErrorNamingTheOption", "FAILED")
        .containsEntry("plansASmallModelConsistently", "FAILED")
        .containsEntry("moreSequencesNeverHoldLessCache", "FAILED")
        .containsEntry("launchIsACommandOrAOneLineRefusal", "FAILED")
        // nothing given and no GPU is its defaults: the one check it keeps
        .containsEntry("nothingGivenAndNoGpuIsTheDefaults", "SUCCESSFUL");
  }

  @Test
  void theBuiltInEnginesPassEveryCheck() {
    // the built-in engines' own contract tests run beside this one; here, that the contract has
    // as many checks as the broken fixture was run against
    assertThat(EngineModelContract.class.getDeclaredMethods())
        .filteredOn(m -> m.isAnnotationPresent(Test.class))
        .hasSize(8);
  }
}
