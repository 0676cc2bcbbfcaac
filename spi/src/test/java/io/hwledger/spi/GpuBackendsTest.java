package io.hwledger.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Verifies("FR-TELEMETRY-001")
class GpuBackendsTest {

  private static final FakeProvider THROWS_ON_AVAILABILITY =
      new FakeProvider(
          "throws",
          1000,
          () -> {
            throw new UnsatisfiedLinkError("libnvidia-ml.so.1: cannot open shared object file");
          });

  private static List<String> ids(List<GpuBackendProvider> providers) {
    return providers.stream().map(GpuBackendProvider::id).toList();
  }

  @Test
  void providersAreOrderedByPriorityThenId() {
    GpuBackends backends =
        GpuBackends.of(
            List.of(
                FakeProvider.available("b", 10),
                FakeProvider.available("low", 1),
                FakeProvider.available("a", 10),
                FakeProvider.available("high", 50)));
    assertThat(ids(backends.providers())).containsExactly("high", "a", "b", "low");
  }

  @Test
  void selectsHighestPriorityAvailableSkippingUnavailableAndThrowing() {
    GpuBackends backends =
        GpuBackends.of(
            List.of(
                THROWS_ON_AVAILABILITY,
                FakeProvider.unavailable("nvml", 100),
                FakeProvider.available("nvidia-smi", 50),
                FakeProvider.available("sysfs", 10)));
    assertThat(backends.selectPreferring(List.of()).map(GpuBackendProvider::id))
        .contains("nvidia-smi");
  }

  @Test
  void tiesInPriorityGoToTheSmallerId() {
    GpuBackends backends =
        GpuBackends.of(
            List.of(FakeProvider.available("zeta", 5), FakeProvider.available("alpha", 5)));
    assertThat(backends.selectPreferring(List.of()).map(GpuBackendProvider::id)).contains("alpha");
  }

  @Test
  void statusesReportAThrowingAvailabilityCheckAsUnavailableWithTheReason() {
    GpuBackends backends =
        GpuBackends.of(List.of(THROWS_ON_AVAILABILITY, FakeProvider.unavailable("rocm", 3)));
    List<BackendStatus> statuses = backends.statuses();
    assertThat(statuses).extracting(BackendStatus::id).containsExactly("throws", "rocm");
    assertThat(statuses.get(0).availability().available()).isFalse();
    assertThat(statuses.get(0).availability().reason())
        .contains("UnsatisfiedLinkError")
        .contains("libnvidia-ml.so.1");
    assertThat(statuses.get(1))
        .isEqualTo(new BackendStatus("rocm", 3, Availability.unavailable("no rocm here")));
  }

  @Test
  void explicitListWinsOverPriorityInTheOrderGiven() {
    GpuBackends backends =
        GpuBackends.of(
            List.of(
                FakeProvider.available("nvml", 100),
                FakeProvider.available("nvidia-smi", 50),
                FakeProvider.unavailable("rocm-smi", 60)));
    assertThat(backends.selectPreferring(List.of("nvidia-smi", "nvml")).map(GpuBackendProvider::id))
        .contains("nvidia-smi");
    // unknown and unavailable ids are skipped
    assertThat(
            backends
                .selectPreferring(List.of("no-such", "rocm-smi", "nvml"))
                .map(GpuBackendProvider::id))
        .contains("nvml");
  }

  @Test
  void explicitListWithNothingUsableSelectsNothingUnlessItEndsWithAny() {
    GpuBackends backends =
        GpuBackends.of(
            List.of(FakeProvider.available("nvml", 100), FakeProvider.unavailable("rocm-smi", 60)));
    assertThat(backends.selectPreferring(List.of("rocm-smi", "no-such"))).isEmpty();
    assertThat(
            backends
                .selectPreferring(List.of("rocm-smi", GpuBackends.ANY))
                .map(GpuBackendProvider::id))
        .contains("nvml");
    assertThat(backends.selectPreferring(List.of(GpuBackends.NONE))).isEmpty();
  }

  @Test
  void selectReadsThePropertyAndDecidesOnce() {
    String before = System.getProperty(GpuBackends.BACKENDS_PROPERTY);
    AtomicInteger checks = new AtomicInteger();
    GpuBackends backends =
        GpuBackends.of(
            List.of(
                FakeProvider.available("nvml", 100),
                new FakeProvider(
                    "sysfs",
                    1,
                    () -> {
                      checks.incrementAndGet();
                      return Availability.available("counted");
                    })));
    try {
      System.setProperty(GpuBackends.BACKENDS_PROPERTY, " SysFS , nvml");
      assertThat(backends.select().map(GpuBackendProvider::id)).contains("sysfs");
      System.setProperty(GpuBackends.BACKENDS_PROPERTY, "nvml");
      assertThat(backends.select().map(GpuBackendProvider::id)).contains("sysfs");
      assertThat(checks).hasValue(1);
    } finally {
      if (before == null) {
        System.clearProperty(GpuBackends.BACKENDS_PROPERTY);
      } else {
        System.setProperty(GpuBackends.BACKENDS_PROPERTY, before);
      }
    }
  }

  @Test
  void selectByIdNeedsAKnownAvailableProvider() {
    GpuBackends backends =
        GpuBackends.of(
            List.of(FakeProvider.available("nvml", 100), FakeProvider.unavailable("metal", 100)));
    assertThat(backends.select("nvml").map(GpuBackendProvider::id)).contains("nvml");
    assertThat(backends.select("metal")).isEmpty();
    assertThat(backends.select("nope")).isEmpty();
  }

  @Test
  void ofSkipsProvidersWhoseIdThrowsAndDuplicateIds() {
    GpuBackends backends =
        GpuBackends.of(
            List.of(
                new DiscoveryFixtures.ThrowingId(),
                FakeProvider.available("nvml", 1),
                FakeProvider.available("nvml", 99)));
    assertThat(backends.statuses())
        .containsExactly(new BackendStatus("nvml", 1, Availability.available("ok")));
  }

  @Test
  void parsesThePropertyValue() {
    assertThat(GpuBackends.parsePreference(null)).isEmpty();
    assertThat(GpuBackends.parsePreference("  ")).isEmpty();
    assertThat(GpuBackends.parsePreference("NVML, ,nvidia-smi,*,"))
        .containsExactly("nvml", "nvidia-smi", "*");
  }

  @Test
  void discoverySurvivesBrokenProviders(@TempDir Path dir) throws IOException {
    Path services = dir.resolve("META-INF/services/" + GpuBackendProvider.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(
        services,
        String.join(
            "\n",
            "# one good provider among broken ones",
            "io.hwledger.spi.NoSuchProvider",
            DiscoveryFixtures.ThrowingConstructor.class.getName(),
            "java.lang.String",
            DiscoveryFixtures.ThrowingId.class.getName(),
            DiscoveryFixtures.Good.class.getName(),
            ""),
        StandardCharsets.UTF_8);
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      GpuBackends backends = GpuBackends.discover(loader);
      assertThat(backends.statuses())
          .containsExactly(new BackendStatus("good", 1, Availability.available("always")));
      assertThat(backends.select().map(GpuBackendProvider::id)).contains("good");
    }
  }

  @Test
  void defaultsIsOneLazilyDiscoveredInstance() {
    assertThat(GpuBackends.defaults()).isSameAs(GpuBackends.defaults());
  }
}
