package io.hwledger.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.time.Instant;
import org.junit.jupiter.api.Test;

@Verifies("FR-CLOUD-002")
class OfferTest {
  private static Offer offer(int gpus, double usd, Market market, String bidRule) {
    return new Offer(
        "vastai",
        "123",
        "H100 SXM",
        "h100-sxm-80gb",
        gpus,
        80L << 30,
        usd,
        market,
        Tier.COMMUNITY,
        bidRule,
        "US",
        Availability.AVAILABLE,
        Instant.EPOCH,
        "test");
  }

  @Test
  void thePerGpuPriceIsTheInstancePriceOverTheCount() {
    Offer eight = offer(8, 17.60, Market.ON_DEMAND, null);
    assertThat(eight.usdPerGpuHour()).isEqualTo(2.20); // 17.60 / 8
    assertThat(eight.memoryBytes()).isEqualTo(8L * 80 * (1L << 30));
  }

  @Test
  void aSpotOfferNeedsABidRuleAndAnOnDemandOneHasNone() {
    assertThatThrownBy(() -> offer(1, 1.0, Market.SPOT, null))
        .hasMessage("offer 123: a bid rule is required for a spot offer and only for one");
    assertThatThrownBy(() -> offer(1, 1.0, Market.ON_DEMAND, "bid per GPU-hour"))
        .hasMessage("offer 123: a bid rule is required for a spot offer and only for one");
    assertThat(offer(1, 1.0, Market.SPOT, "bid per instance-hour, at least the price").bidRule())
        .startsWith("bid per instance-hour");
  }

  @Test
  void outOfRangeFieldsAreNamed() {
    assertThatThrownBy(() -> offer(0, 1.0, Market.ON_DEMAND, null))
        .hasMessage("offer 123: gpuCount must be at least 1, got 0");
    assertThatThrownBy(() -> offer(1, Double.NaN, Market.ON_DEMAND, null))
        .hasMessage("offer 123: usdPerInstanceHour must be finite and >= 0, got NaN");
    assertThatThrownBy(() -> offer(1, -0.5, Market.ON_DEMAND, null))
        .hasMessageContaining("usdPerInstanceHour");
  }
}
