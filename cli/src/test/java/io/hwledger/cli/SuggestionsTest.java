package io.hwledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.api.DType;
import io.hwledger.api.GpuSpec;
import io.hwledger.math.GpuCatalog;
import io.hwledger.math.ModelCatalog;
import io.hwledger.math.engine.EngineModels;
import io.hwledger.testsupport.Verifies;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** "Did you mean": the edit distance and the names suggested for each kind of unknown value. */
@Verifies({"FR-CLI-005", "FR-CLI-008"})
class SuggestionsTest {
  private static final long SEED = Long.getLong("hwledger.test.seed", 20250131L);

  static Stream<Arguments> distances() {
    return Stream.of(
        Arguments.of("", "", 0),
        Arguments.of("", "abc", 3),
        Arguments.of("plan", "plan", 0),
        // The classic Levenshtein example: k→s, e→i, insert g.
        Arguments.of("kitten", "sitting", 3),
        // One transposition of adjacent characters.
        Arguments.of("plna", "plan", 1),
        Arguments.of("bf61", "bf16", 1),
        // Optimal string alignment edits no substring twice: CA → ABC is 3 (true
        // Damerau-Levenshtein gives 2: CA → AC → ABC).
        Arguments.of("ca", "abc", 3),
        Arguments.of("vlm", "vllm", 1),
        Arguments.of("contex", "context", 1));
  }

  @ParameterizedTest
  @MethodSource("distances")
  void distanceIsTheOptimalStringAlignmentDistance(String a, String b, int expected) {
    assertThat(Suggestions.distance(a, b)).isEqualTo(expected);
    assertThat(Suggestions.distance(b, a)).isEqualTo(expected);
  }

  @Test
  void oneRandomEditIsAtMostOneAway() {
    System.out.println("SuggestionsTest seed " + SEED + " (-Dhwledger.test.seed to rerun)");
    SplittableRandom random = new SplittableRandom(SEED);
    for (int i = 0; i < 2_000; i++) {
      String a = word(random, 1 + random.nextInt(12));
      String b = edit(random, a);
      int d = Suggestions.distance(a, b);
      assertThat(d).as("%s → %s", a, b).isBetween(a.equals(b) ? 0 : 1, 1);
      assertThat(Suggestions.distance(b, a)).isEqualTo(d);
      assertThat(Suggestions.distance(a, a)).isZero();
    }
  }

  @Test
  void unknownModelSuggestsTheCatalogIdItBegins() {
    List<String> ids = ModelCatalog.builtIn().entries().stream().map(e -> e.id()).toList();
    assertThat(Suggestions.closest("llama-3.1-8", ids)).containsExactly("llama-3.1-8b");
    assertThat(Suggestions.closest("llama-3.1-8 ", ids)).containsExactly("llama-3.1-8b");
    assertThat(Suggestions.closest("LLAMA-3.1-8", ids)).containsExactly("llama-3.1-8b");
    // At most three, in catalog order.
    assertThat(Suggestions.closest("llama", ids))
        .containsExactly("llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b");
    // Both are one edit away: 7b → 8b, and 7b → 70b.
    assertThat(Suggestions.closest("llama-3.1-7b", ids))
        .containsExactly("llama-3.1-8b", "llama-3.1-70b");
  }

  @Test
  void unknownGpuSuggestsTheIdsWithThatPart() {
    List<String> ids = GpuCatalog.builtIn().gpus().stream().map(GpuSpec::id).toList();
    assertThat(Suggestions.closest("h100", ids))
        .containsExactly("h100-sxm-80gb", "h100-pcie-80gb", "h100-nvl-94gb");
    assertThat(Suggestions.closest("H100 SXM", ids)).containsExactly("h100-sxm-80gb");
    assertThat(Suggestions.closest("4090", ids)).containsExactly("rtx-4090");
    assertThat(Suggestions.closest("rtx4090", ids)).containsExactly("rtx-4090");
    assertThat(Suggestions.closest("mi300", ids)).containsExactly("mi300x", "mi300a");
    assertThat(Suggestions.closest("voodoo-3", ids)).isEmpty();
  }

  @Test
  void unknownDtypeEngineCommandAndOption() {
    assertThat(Suggestions.closest("bf61", DType.names())).containsExactly("bf16");
    assertThat(Suggestions.closest("BF61", DType.names())).containsExactly("bf16");
    assertThat(Suggestions.closest("q4", DType.names())).containsExactly("q4_0", "q4_1", "q4_k");
    assertThat(Suggestions.closest("vlm", EngineModels.defaults().ids())).containsExactly("vllm");
    assertThat(Suggestions.closest("sglan", EngineModels.defaults().ids()))
        .containsExactly("sglang");
    List<String> commands = List.of("models", "plan", "perf", "export", "ledger", "devices");
    assertThat(Suggestions.closest("plna", commands)).containsExactly("plan");
    assertThat(Suggestions.closest("ledgr", commands)).containsExactly("ledger");
    assertThat(Suggestions.closest("frobnicate", commands)).isEmpty();
    List<String> options = List.of("--model", "--config", "--context", "--users", "--tp", "--pp");
    assertThat(Suggestions.closest("--contex", options)).containsExactly("--context");
    assertThat(Suggestions.closest("-context", options)).containsExactly("--context");
    assertThat(Suggestions.closest("--usr", options)).containsExactly("--users");
  }

  @Test
  void shortInputsSuggestNothingFarAway() {
    // "x" is two edits from "l4", as far as the whole input: no suggestion.
    assertThat(Suggestions.closest("x", List.of("l4", "a10"))).isEmpty();
    assertThat(Suggestions.closest("", List.of("l4", "a10"))).isEmpty();
    assertThat(Suggestions.closest("l5", List.of("l4", "l40s", "a10"))).containsExactly("l4");
  }

  @Test
  void didYouMeanListsTheSuggestions() {
    assertThat(Suggestions.didYouMean(List.of())).isEmpty();
    assertThat(Suggestions.didYouMean(List.of("plan"))).isEqualTo("; did you mean plan?");
    assertThat(Suggestions.didYouMean(List.of("a", "b"))).isEqualTo("; did you mean a or b?");
    assertThat(Suggestions.didYouMean(List.of("a", "b", "c")))
        .isEqualTo("; did you mean a, b or c?");
  }

  private static String word(SplittableRandom random, int length) {
    StringBuilder s = new StringBuilder();
    IntStream.range(0, length).forEach(i -> s.append((char) ('a' + random.nextInt(4))));
    return s.toString();
  }

  /** {@code a} with one insertion, deletion, substitution or adjacent transposition. */
  private static String edit(SplittableRandom random, String a) {
    StringBuilder s = new StringBuilder(a);
    int at = random.nextInt(a.length());
    switch (random.nextInt(4)) {
      case 0 -> s.insert(at, (char) ('a' + random.nextInt(4)));
      case 1 -> s.deleteCharAt(at);
      case 2 -> s.setCharAt(at, (char) ('a' + random.nextInt(4)));
      default -> {
        if (at + 1 < a.length()) {
          s.setCharAt(at, a.charAt(at + 1));
          s.setCharAt(at + 1, a.charAt(at));
        }
      }
    }
    return s.toString();
  }
}
