package io.hwledger.cloud.vastai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.cloud.Market;
import io.hwledger.cloud.internal.Json;

/**
 * The two offer searches: on-demand, and bid (interruptible). Each asks for rentable offers not
 * already rented, cheapest first, at most {@link #LIMIT}; the body is the filter object of Vast's
 * API reference ({@code {field: {op: value}}}, {@code order}, {@code limit}, {@code type}) as the
 * {@code vastai search offers} command sends it.
 */
enum VastSearch {
  /** Fixed-price offers, ordered by {@code dph_total}. */
  ON_DEMAND("on-demand", "dph_total", Market.ON_DEMAND),
  /** Interruptible offers, ordered by their minimum bid {@code min_bid}. */
  BID("bid", "min_bid", Market.SPOT);

  /** The most offers one search returns; the search has no pages, so this bounds the answer. */
  static final int LIMIT = 1000;

  /**
   * The disk the search prices, GiB: Vast adds its storage charge for this much to {@code
   * dph_total} ({@code vastai search offers --storage}, "Amount of storage to use for pricing",
   * default 5.0).
   */
  static final double ALLOCATED_STORAGE_GIB = 5.0;

  private final String type;
  private final String orderField;
  private final Market market;

  VastSearch(String type, String orderField, Market market) {
    this.type = type;
    this.orderField = orderField;
    this.market = market;
  }

  /** The market of the offers this search finds. */
  Market market() {
    return market;
  }

  /** The JSON body of this search. */
  String requestBody() {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.putObject("rentable").put("eq", true);
    body.putObject("rented").put("eq", false);
    body.put("type", type);
    body.putArray("order").addArray().add(orderField).add("asc");
    body.put("limit", LIMIT);
    body.put("allocated_storage", ALLOCATED_STORAGE_GIB);
    return body.toString();
  }
}
