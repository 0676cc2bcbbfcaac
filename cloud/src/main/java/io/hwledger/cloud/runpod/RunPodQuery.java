package io.hwledger.cloud.runpod;

import io.hwledger.cloud.Tier;
import io.hwledger.cloud.internal.Json;
import java.util.List;
import java.util.Locale;

/**
 * The GraphQL query: every GPU type's per-GPU prices ({@code securePrice}, {@code communityPrice},
 * {@code secureSpotPrice}, {@code communitySpotPrice}), memory and largest GPU count per cloud, and
 * for each cloud and GPU count of {@link #GPU_COUNTS} the stock of {@code lowestPrice(input:
 * {gpuCount, secureCloud})}, each under an alias such as {@code secure4} (GraphQL field aliases, so
 * that one request reads every count).
 *
 * <p>The prices come from the cloud's own fields, never from {@code lowestPrice}: without {@code
 * secureCloud} it answers the cheaper of the two clouds, the mix-up behind dstack #1886/#1892
 * (Community prices shown, Secure launched).
 */
final class RunPodQuery {
  /** The instance sizes offered, each only up to the cloud's {@code maxGpuCount*} field. */
  static final List<Integer> GPU_COUNTS = List.of(1, 2, 4, 8);

  private RunPodQuery() {}

  /** The alias of the stock of {@code count} GPUs in {@code tier}'s cloud, e.g. {@code secure4}. */
  static String alias(Tier tier, int count) {
    return tier.name().toLowerCase(Locale.ROOT) + count;
  }

  /** The query text. */
  static String query() {
    StringBuilder q =
        new StringBuilder(
            "query HwLedgerGpuPrices { gpuTypes { id displayName memoryInGb"
                + " maxGpuCountSecureCloud maxGpuCountCommunityCloud"
                + " securePrice communityPrice secureSpotPrice communitySpotPrice");
    for (Tier tier : Tier.values()) {
      for (int count : GPU_COUNTS) {
        q.append(' ')
            .append(alias(tier, count))
            .append(": lowestPrice(input: {gpuCount: ")
            .append(count)
            .append(", secureCloud: ")
            .append(tier == Tier.SECURE)
            .append("}) { stockStatus }");
      }
    }
    return q.append(" } }").toString();
  }

  /** The request body, {@code {"query": ...}}. */
  static String requestBody() {
    return Json.MAPPER.createObjectNode().put("query", query()).toString();
  }
}
