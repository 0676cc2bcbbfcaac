package io.hwledger.cloud.lambda;

import io.hwledger.cloud.Offer;
import io.hwledger.cloud.PriceSource;
import io.hwledger.cloud.PriceSourceException;
import io.hwledger.cloud.Snapshot;
import io.hwledger.cloud.SourceContext;
import io.hwledger.cloud.internal.GpuNames;
import io.hwledger.cloud.internal.Json;
import io.hwledger.cloud.internal.OfferJson;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lambda's on-demand instances, from the Lambda Cloud API's {@code GET /api/v1/instance-types}
 * (Bearer key): each instance type at its price per instance-hour, once per region that has
 * capacity now, or once without a region when none has. Lambda has no spot market; its instances
 * run in its own data centres ({@link io.hwledger.cloud.Tier#SECURE}).
 *
 * <p>The API lives at {@code https://cloud.lambda.ai}; {@code https://cloud.lambdalabs.com} is the
 * deprecated second server of the same API (its OpenAPI document, 1.10.0, lists both), and the base
 * is configurable ({@code lambda.baseUri}). The key is read from {@code LAMBDA_API_KEY}: the name
 * the Lambda tools people use read (Lambda's own documentation names no variable).
 *
 * <p>Thread-safe and stateless; the constructor does nothing.
 */
public final class LambdaSource implements PriceSource {
  /** The source's id. */
  static final String ID = "lambda";

  private static final String PATH = "/api/v1/instance-types";

  /** Does nothing: the key, base URI and clock come with each {@link #fetch}. */
  public LambdaSource() {}

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String displayName() {
    return "Lambda";
  }

  @Override
  public URI defaultBaseUri() {
    return URI.create("https://cloud.lambda.ai");
  }

  @Override
  public Optional<String> apiKeyVariable() {
    return Optional.of("LAMBDA_API_KEY");
  }

  @Override
  public boolean requiresApiKey() {
    return true;
  }

  @Override
  public boolean hasLiveApi() {
    return true;
  }

  /**
   * Reads the instance types.
   *
   * @param context where and how to send the request; its key, when set, goes in the {@code
   *     Authorization} header only
   * @return one offer per instance type and region with capacity (see {@link InstanceTypes})
   * @throws PriceSourceException when Lambda refuses the key, cannot be read, or answers with a
   *     body that is not the documented shape (one line naming the type and field)
   */
  @Override
  public List<Offer> fetch(SourceContext context) throws PriceSourceException {
    URI uri = context.baseUri().resolve(PATH);
    Map<String, String> headers = context.bearerHeaders();
    String body = context.get(uri, headers);
    return new InstanceTypes(new Json(displayName()), GpuNames.of(ID))
        .offers(body, context.now(), uri.toString());
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
