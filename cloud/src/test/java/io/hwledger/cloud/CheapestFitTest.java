package io.hwledger.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hwledger.math.ModelCatalog;
import io.hwledger.math.Planner;
import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.EngineModels;
import io.hwledger.math.engine.SettingValues;
import io.hwledger.testsupport.Verifies;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

@Verifies("FR-CLOUD-010")
class CheapestFitTest {
  private static final EngineModel<?> VLLM = EngineModels.defaults().get("vllm");

  private static Offer offer(String sku, String gpuId, long gib, int count, double usdPerInstance) {
    return new Offer(
        "vastai",
        sku,
        "GPU " + sku,
        gpuId,
        count,
        gib << 30,
        usdPerInstance,
        Market.ON_DEMAND,
        Tier.COMMUNITY,
        null,
        null,
        Availability.AVAILABLE,
        Instant.EPOCH,
        "test");
  }

  private static CheapestFit ranking(String model, long context, long users) {
    Planner planner = Planner.of(ModelCatalog.builtIn().spec(model));
    return CheapestFit.of(
        planner,
        planner.model().defaultPrecision(),
        VLLM,
        SettingValues.none(),
        context,
        users,
        256);
  }

  @Test
  void anOfferOfFourGpusAtFourTimesThePriceCostsNoMorePerTokenThanOne() {
    CheapestFit fit = ranking("llama-3.1-8b", 8192, 1);
    OfferFit one = fit.fit(offer("one", "rtx-4090", 24, 1, 0.40));
    OfferFit four = fit.fit(offer("four", "rtx-4090", 24, 4, 1.60));
    double single = one.layout().orElseThrow().usdPerMillionTokens().orElseThrow();
    OfferFit.Layout l4 = four.layout().orElseThrow();
    // Four copies at TP 1 decode four times the tokens for four times the price, so the best of
    // the four-GPU layouts is at most the single GPU's cost.
    assertThat(l4.usdPerMillionTokens().orElseThrow()).isLessThanOrEqualTo(single * (1 + 1e-12));
    if (l4.tensorParallel() == 1) {
      assertThat(l4.replicas()).isEqualTo(4);
      assertThat(l4.usdPerMillionTokens().orElseThrow()).isCloseTo(single, within(single * 1e-12));
    }
  }

  @Test
  void twiceThePriceIsTwiceTheCostPerTokenAndRanksAfter() {
    List<OfferFit> ranked =
        ranking("llama-3.1-8b", 4096, 4)
            .rank(List.of(offer("dear", "l40s", 45, 1, 1.70), offer("cheap", "l40s", 45, 1, 0.85)));
    assertThat(ranked).extracting(f -> f.offer().sku()).containsExactly("cheap", "dear");
    double cheap = ranked.get(0).layout().orElseThrow().usdPerMillionTokens().orElseThrow();
    double dear = ranked.get(1).layout().orElseThrow().usdPerMillionTokens().orElseThrow();
    assertThat(dear / cheap).isCloseTo(1.70 / 0.85, within(1e-9));
  }

  @Test
  void aModelTooLargeForEveryLayoutIsRefusedWithEachDegreesReason() {
    // Qwen2.5-7B: 28 attention heads, about 15 GB of bf16 weights. On three 12 GB RTX 3060s, TP 1
    // does not fit and vLLM refuses TP 3 (28 is not divisible by 3).
    OfferFit f = ranking("qwen2.5-7b", 4096, 1).fit(offer("3x3060", "rtx-3060-12gb", 12, 3, 0.30));
    assertThat(f.fits()).isFalse();
    String reason = f.refusal().orElseThrow();
    assertThat(reason)
        .startsWith("TP 1: 3 copies hold 0 of 1 sequences of 4096 tokens (one needs ");
    assertThat(reason).contains("; TP 3: ").contains("(28)").contains("(3)");
  }

  @Test
  void usersBeyondWhatTheCopiesHoldAreRefusedAndAnUnknownGpuIsNeverGuessed() {
    CheapestFit fit = ranking("llama-3.1-8b", 131072, 64);
    OfferFit small = fit.fit(offer("4090", "rtx-4090", 24, 1, 0.40));
    assertThat(small.refusal())
        .hasValueSatisfying(r -> assertThat(r).startsWith("TP 1: 1 copy hold "));
    OfferFit unknown =
        fit.fit(
            new Offer(
                "modal",
                "t4",
                "T4",
                null,
                1,
                16L << 30,
                0.59,
                Market.ON_DEMAND,
                Tier.SECURE,
                null,
                null,
                Availability.UNKNOWN,
                Instant.EPOCH,
                "test"));
    assertThat(unknown.refusal())
        .hasValue(
            "GPU 'T4' maps to no catalog GPU for modal (unknown name, or a form factor the provider"
                + " does not state)");
    List<OfferFit> ranked =
        fit.rank(List.of(small, unknown).stream().map(OfferFit::offer).toList());
    // refused offers come last, by hourly price
    assertThat(ranked).extracting(x -> x.offer().sku()).containsExactly("4090", "t4");
  }
}
