/**
 * Cloud GPU prices: the price-source SPI ({@link io.hwledger.cloud.PriceSource}, found by {@link
 * java.util.ServiceLoader}), the built-in Vast.ai, RunPod, Lambda and Modal sources, one normalised
 * {@link io.hwledger.cloud.Offer}, a TTL cache that falls back to each source's dated snapshot, and
 * the cheapest deployment of a model that the planner says fits.
 */
module io.hwledger.cloud {
  requires transitive io.hwledger.math;
  requires com.fasterxml.jackson.databind;
  requires static transitive org.jspecify;
  requires java.net.http;

  exports io.hwledger.cloud;

  uses io.hwledger.cloud.PriceSource;

  provides io.hwledger.cloud.PriceSource with
      io.hwledger.cloud.lambda.LambdaSource,
      io.hwledger.cloud.modal.ModalSource,
      io.hwledger.cloud.runpod.RunPodSource,
      io.hwledger.cloud.vastai.VastAiSource;
}
