package io.hwledger.cloud.modal;

import io.hwledger.cloud.Offer;
import io.hwledger.cloud.PriceSource;
import io.hwledger.cloud.PriceSourceException;
import io.hwledger.cloud.Snapshot;
import io.hwledger.cloud.SourceContext;
import io.hwledger.cloud.internal.OfferJson;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Modal's GPU containers. Modal has no price API: it bills each GPU per second at the rate on
 * modal.com/pricing, so this source is that table, dated and cited, shipped as the resource {@code
 * io/hwledger/cloud/snapshots/modal.json} (per GPU-hour = the page's $/s × 3600, base-region
 * prices; Modal multiplies them by 1.5 or 1.75 when a function is pinned to a region). To update
 * it, edit that file: its notes say where each figure was read.
 *
 * <p>{@link #hasLiveApi()} is false, so {@link io.hwledger.cloud.CloudPrices} never calls {@link
 * #fetch}. Thread-safe; the constructor does nothing.
 */
public final class ModalSource implements PriceSource {
  private static final String ID = "modal";

  /** Does nothing. */
  public ModalSource() {}

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String displayName() {
    return "Modal";
  }

  /**
   * Where Modal's prices are published (a web page, not an API).
   *
   * @return {@code https://modal.com}
   */
  @Override
  public URI defaultBaseUri() {
    return URI.create("https://modal.com");
  }

  @Override
  public Optional<String> apiKeyVariable() {
    return Optional.empty();
  }

  @Override
  public boolean requiresApiKey() {
    return false;
  }

  @Override
  public boolean hasLiveApi() {
    return false;
  }

  /**
   * Always fails: Modal has no price API to read.
   *
   * @param context unused
   * @return never
   * @throws PriceSourceException always, saying so
   */
  @Override
  public List<Offer> fetch(SourceContext context) throws PriceSourceException {
    throw new PriceSourceException(
        "Modal publishes no price API: its prices are the dated snapshot "
            + snapshot().asOf()
            + " ("
            + snapshot().citation()
            + ")");
  }

  @Override
  public Snapshot snapshot() {
    return Shipped.SNAPSHOT;
  }

  /** The snapshot, read once, when first asked for. */
  private static final class Shipped {
    static final Snapshot SNAPSHOT = OfferJson.snapshot(ID);
  }
}
