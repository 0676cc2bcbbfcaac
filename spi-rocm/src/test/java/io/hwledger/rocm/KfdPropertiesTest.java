package io.hwledger.rocm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * KFD node properties from recorded files (see {@code fixtures/README.md}), read one file at a time
 * as the local backends do and as the {@code grep -H} output a remote host prints.
 */
@Verifies({"FR-TELEMETRY-014", "FR-TELEMETRY-016"})
class KfdPropertiesTest {

  static String fixture(String name) {
    try (InputStream in =
        Objects.requireNonNull(
            KfdPropertiesTest.class.getResourceAsStream("/fixtures/kfd/" + name), name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What {@code grep -H ''} prints for {@code text} as node {@code n}'s file: each line prefixed.
   */
  private static String grepH(int n, String text) {
    String path = "/sys/class/kfd/kfd/topology/nodes/" + n + "/properties:";
    return text.lines().map(l -> path + l).collect(Collectors.joining("\n", "", "\n"));
  }

  @Test
  void aRavenApuOnAnIommuV2KernelHasCpuCoresAndSimdsInOneNode() {
    KfdProperties.Node raven = KfdProperties.parseFile(0, fixture("raven-apu-issue66.properties"));
    // location_id 2560 = 0x0a00: bus 0x0a, device 0, function 0; no domain line, so domain 0.
    assertThat(raven)
        .isEqualTo(
            new KfdProperties.Node(0, 8, 44, OptionalLong.empty(), Optional.of("0000:0a:00.0")));
    assertThat(raven.gpu()).isTrue();
    assertThat(raven.apu()).isTrue();
  }

  @Test
  void aDiscreteGpuNodeHasNoCpuCoresAndIsNotAnApu() {
    KfdProperties.Node fiji = KfdProperties.parseFile(1, fixture("fiji-issue66.properties"));
    assertThat(fiji.cpuCoresCount()).isZero();
    assertThat(fiji.simdCount()).isEqualTo(256);
    assertThat(fiji.gpu()).isTrue();
    assertThat(fiji.apu()).isFalse();
  }

  @Test
  void grepOutputGivesTheSameNodesAsTheFilesOneByOne() {
    String raven = fixture("raven-apu-issue66.properties");
    String fiji = fixture("fiji-issue66.properties");
    List<KfdProperties.Node> nodes = KfdProperties.parse(grepH(0, raven) + grepH(1, fiji));
    assertThat(nodes)
        .containsExactly(KfdProperties.parseFile(0, raven), KfdProperties.parseFile(1, fiji));
  }

  @Test
  void grepOutputIsOrderedByNodeNumberNotByLine() {
    String raven = fixture("raven-apu-issue66.properties");
    String fiji = fixture("fiji-issue66.properties");
    assertThat(KfdProperties.parse(grepH(10, fiji) + grepH(2, raven)))
        .extracting(KfdProperties.Node::number)
        .containsExactly(2, 10);
  }

  @Test
  void aStrixHaloNodeFragmentGivesItsPciAddress() {
    // location_id 49664 = 0xc200: bus 0xc2, device 0, function 0.
    KfdProperties.Node node =
        KfdProperties.parseFile(1, fixture("strix-halo-node1-fragment.properties"));
    assertThat(node.pciAddress()).hasValue("0000:c2:00.0");
  }

  @Test
  void onCurrentKernelsAnApuIsToldByItsGfxTarget() {
    // Since Linux 6.6 an APU's GPU node has cpu_cores_count 0; LLVM types gfx1103 and gfx1151
    // "APU" and gfx1100 "dGPU" (AMDGPUUsage.rst, processor table).
    assertThat(gpuNode(110003).apu()).isTrue();
    assertThat(gpuNode(110501).apu()).isTrue();
    assertThat(gpuNode(90012).apu()).isTrue(); // gfx90c, Renoir/Cezanne
    assertThat(gpuNode(110000).apu()).isFalse();
    assertThat(gpuNode(90402).apu()).isFalse(); // gfx942, typed dGPU
    KfdProperties.Node cpu = new KfdProperties.Node(0, 16, 0, OptionalLong.of(0), Optional.empty());
    assertThat(cpu.gpu()).isFalse();
    assertThat(cpu.apu()).isFalse();
  }

  private static KfdProperties.Node gpuNode(long gfxTargetVersion) {
    return new KfdProperties.Node(
        1, 0, 24, OptionalLong.of(gfxTargetVersion), Optional.of("0000:c4:00.0"));
  }

  @Test
  void emptyOutputHasNoNodesAndALineWithoutAPathIsAnError() {
    assertThat(KfdProperties.parse("")).isEmpty();
    assertThat(KfdProperties.parse("\n\n")).isEmpty();
    assertThatThrownBy(() -> KfdProperties.parse("cpu_cores_count 8\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "KFD properties line 1 is not '<path>/nodes/<N>/properties:<name> <value>': "
                + "cpu_cores_count 8");
  }
}
