package io.hwledger.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.api.ModelConfigException;
import io.hwledger.api.ModelSpec;
import io.hwledger.testsupport.Verifies;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Verifies("FR-CATALOG-001")
class ModelCatalogTest {
  private static final ModelCatalog CATALOG = ModelCatalog.builtIn();

  static Stream<String> ids() {
    return CATALOG.entries().stream().map(ModelCatalog.Entry::id);
  }

  @ParameterizedTest
  @MethodSource("ids")
  void everyEntryParses(String id) {
    ModelSpec spec = CATALOG.spec(id);
    assertThat(spec.name()).isEqualTo(id);
    assertThat(spec.layerCount()).isPositive();
    assertThat(spec.vocabSize()).isPositive();
  }

  @ParameterizedTest
  @MethodSource("ids")
  void everyEntryHasItsProvenance(String id) {
    ModelCatalog.Entry e = CATALOG.find(id).orElseThrow();
    assertThat(e.repo()).contains("/");
    assertThat(e.source()).startsWith("https://");
    assertThat(e.upstream()).startsWith("https://huggingface.co/");
    assertThat(e.name()).isNotBlank();
  }

  @Test
  void idsAreUniqueAndInIndexOrder() {
    List<String> ids = ids().toList();
    Set<String> lower = new HashSet<>();
    ids.forEach(id -> assertThat(lower.add(id.toLowerCase(java.util.Locale.ROOT))).isTrue());
    assertThat(ids.get(0)).isEqualTo("llama-3.1-8b");
    assertThat(ids)
        .contains(
            "deepseek-v3",
            "gpt-oss-120b",
            "qwen3-next-80b-a3b-instruct",
            "nemotron-h-56b-base-8k",
            "mistral-7b-v0.1");
  }

  @Test
  void findIgnoresCase() {
    assertThat(CATALOG.find("LLAMA-3.1-8B"))
        .map(ModelCatalog.Entry::repo)
        .hasValue("meta-llama/Llama-3.1-8B");
    assertThat(CATALOG.find(" llama-3.1-8b\n")) // surrounding spaces ignored, as GpuCatalog does
        .map(ModelCatalog.Entry::repo)
        .hasValue("meta-llama/Llama-3.1-8B");
    assertThat(CATALOG.find("no-such-model")).isEmpty();
    assertThat(CATALOG.spec("DeepSeek-V3").name()).isEqualTo("deepseek-v3");
  }

  @Test
  void unknownModelListsTheKnownOnes() {
    assertThatThrownBy(() -> CATALOG.spec("gpt-5"))
        .isInstanceOf(ModelConfigException.class)
        .hasMessageStartingWith("unknown model 'gpt-5' (known: llama-3.1-8b, ")
        .hasMessageEndingWith(")");
  }

  @Test
  void specsAreParsedOnceAndTheCatalogIsShared() {
    assertThat(ModelCatalog.builtIn()).isSameAs(CATALOG);
    assertThat(CATALOG.spec("phi-4")).isSameAs(CATALOG.spec("PHI-4"));
  }

  @Test
  void entriesAreImmutable() {
    assertThatThrownBy(() -> CATALOG.entries().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
