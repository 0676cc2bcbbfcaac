package io.hwledger.cloud;

import io.hwledger.api.Deployment;
import io.hwledger.api.GpuSpec;
import io.hwledger.api.MemoryPlan;
import io.hwledger.api.Precision;
import io.hwledger.api.Workload;
import io.hwledger.math.CapacitySolver;
import io.hwledger.math.DecodeRate;
import io.hwledger.math.GpuCatalog;
import io.hwledger.math.Planner;
import io.hwledger.math.SpeedModel;
import io.hwledger.math.engine.EngineModel;
import io.hwledger.math.engine.SettingValues;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Plans a model on each offer and ranks those that fit by cost per million output tokens.
 *
 * <p>On an offer of {@code n} GPUs the model runs as {@code n / t} copies of {@code t}-way tensor
 * parallelism, for each {@code t} dividing {@code n} that the engine accepts ({@link
 * Planner#validate}: heads, KV heads, vocabulary). Each copy holds as many sequences of the context
 * as its plan allows (the engine's {@code maxConcurrency}, else the planner's {@link
 * CapacitySolver#maxSequences}), at most the batch cap; the copies together must hold the users
 * asked for. Among the degrees that fit, the one with the most output tokens per second wins (the
 * smallest on a tie). Decode speed is the {@link SpeedModel}'s at that batch; cost per million
 * tokens is the instance's hourly price over an hour's tokens. Offers are ranked by that cost, then
 * by hourly price; offers without a speed (a GPU with no published bandwidth) come after those with
 * one, and offers that do not fit last, each with its reason.
 */
public final class CheapestFit {
  private final Planner planner;
  private final Precision precision;
  private final EngineModel<?> engine;
  private final SettingValues settings;
  private final long contextTokens;
  private final long users;
  private final long promptTokens;
  private final long batchCap;
  private final GpuCatalog catalog;

  private CheapestFit(
      Planner planner,
      Precision precision,
      EngineModel<?> engine,
      SettingValues settings,
      long contextTokens,
      long users,
      long promptTokens,
      long batchCap,
      GpuCatalog catalog) {
    this.planner = planner;
    this.precision = precision;
    this.engine = engine;
    this.settings = settings;
    this.contextTokens = contextTokens;
    this.users = users;
    this.promptTokens = promptTokens;
    this.batchCap = batchCap;
    this.catalog = catalog;
  }

  /**
   * A ranking of deployments of one model.
   *
   * @param planner the model's planner (with its checkpoint's bytes, if any)
   * @param precision weights, caches and state
   * @param engine the engine, configured for each offer's GPU as it would be there (vLLM's defaults
   *     differ between GPUs under and over 70 GiB)
   * @param settings the engine settings asked for, e.g. {@code gpu-memory-utilization}
   * @param contextTokens tokens each sequence holds, at least 1
   * @param users sequences the deployment must hold at once, at least 1
   * @param batchCap the most sequences one copy decodes together, at least 1 (an engine's running
   *     request cap, as vLLM's {@code --max-num-seqs} is)
   * @return the ranking
   * @throws IllegalArgumentException if a count is below 1
   */
  public static CheapestFit of(
      Planner planner,
      Precision precision,
      EngineModel<?> engine,
      SettingValues settings,
      long contextTokens,
      long users,
      long batchCap) {
    Objects.requireNonNull(planner, "planner");
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(settings, "settings");
    if (contextTokens < 1 || users < 1 || batchCap < 1) {
      throw new IllegalArgumentException("context, users and batch cap must be at least 1");
    }
    return new CheapestFit(
        planner,
        precision,
        engine,
        settings,
        contextTokens,
        users,
        contextTokens,
        batchCap,
        GpuCatalog.builtIn());
  }

  /**
   * Plans every offer and ranks them.
   *
   * @param offers the offers
   * @return one fit per offer: fitting ones by cost per million tokens, then hourly price; those
   *     without a speed after them; refused ones last, by hourly price
   */
  public List<OfferFit> rank(List<Offer> offers) {
    List<OfferFit> fits = new ArrayList<>();
    for (Offer offer : offers) {
      fits.add(fit(offer));
    }
    fits.sort(ORDER);
    return fits;
  }

  private static final Comparator<OfferFit> ORDER =
      Comparator.comparingInt((OfferFit f) -> f.fits() ? 0 : 1)
          .thenComparingDouble(
              f ->
                  f.layout()
                      .flatMap(l -> boxed(l.usdPerMillionTokens()))
                      .orElse(Double.POSITIVE_INFINITY))
          .thenComparingDouble(f -> f.offer().usdPerInstanceHour());

  private static Optional<Double> boxed(OptionalDouble d) {
    return d.isPresent() ? Optional.of(d.getAsDouble()) : Optional.empty();
  }

  /**
   * Plans one offer.
   *
   * @param offer the offer
   * @return its layout, or why it does not fit
   */
  public OfferFit fit(Offer offer) {
    String gpuId = offer.gpuId();
    if (gpuId == null) {
      return refused(
          offer,
          "GPU '"
              + offer.gpuName()
              + "' maps to no catalog GPU for "
              + offer.provider()
              + " (unknown name, or a form factor the provider does not state)");
    }
    GpuSpec gpu = catalog.get(gpuId);
    io.hwledger.api.Engine configured = engine.configure(settings, Optional.of(gpu));
    List<String> reasons = new ArrayList<>();
    Optional<OfferFit.Layout> best = Optional.empty();
    for (int tp = 1; tp <= offer.gpuCount(); tp++) {
      if (offer.gpuCount() % tp != 0) {
        continue;
      }
      Deployment deployment =
          Deployment.singleGpu().withTensorParallel(tp).withEngine(configured).onGpu(gpu);
      try {
        Planner.validate(planner.model(), deployment);
      } catch (IllegalArgumentException e) {
        reasons.add("TP " + tp + ": " + e.getMessage());
        continue;
      }
      Optional<OfferFit.Layout> layout = layout(offer, gpu, tp, deployment, reasons);
      if (layout.isPresent()
          && (best.isEmpty()
              || layout.get().decodeTokensPerSecond().orElse(0)
                  > best.get().decodeTokensPerSecond().orElse(0))) {
        best = layout;
      }
    }
    return best.map(l -> new OfferFit(offer, Optional.of(l), Optional.empty()))
        .orElseGet(() -> refused(offer, String.join("; ", reasons)));
  }

  private Optional<OfferFit.Layout> layout(
      Offer offer, GpuSpec gpu, int tp, Deployment deployment, List<String> reasons) {
    int replicas = offer.gpuCount() / tp;
    MemoryPlan one = planner.plan(precision, Workload.of(contextTokens, 1), deployment);
    long perReplica = Math.min(heldSequences(one, deployment), batchCap);
    if (perReplica < 1 || perReplica * replicas < users) {
      long budget = one.fit().map(f -> f.budgetBytes()).orElse(0L);
      reasons.add(
          String.format(
              Locale.ROOT,
              "TP %d: %d cop%s hold %d of %d sequences of %d tokens (one needs %s of %s per GPU)",
              tp,
              replicas,
              replicas == 1 ? "y" : "ies",
              Math.max(0, perReplica) * replicas,
              users,
              contextTokens,
              gib(one.perGpu().totalBytes()),
              gib(budget)));
      return Optional.empty();
    }
    Workload workload = Workload.of(contextTokens, perReplica);
    MemoryPlan plan = planner.plan(precision, workload, deployment);
    long headroom = plan.fit().map(f -> f.headroomBytes()).orElse(0L);
    OptionalDouble tokensPerSecond = OptionalDouble.empty();
    OptionalDouble cost = OptionalDouble.empty();
    if (gpu.memoryBandwidthBytesPerSecond().isPresent()) {
      DecodeRate rate =
          SpeedModel.of(planner)
              .estimate(precision, promptTokens, workload, deployment)
              .decode()
              .get(0);
      double all = rate.tokensPerSecond() * replicas;
      tokensPerSecond = OptionalDouble.of(all);
      cost = OptionalDouble.of(offer.usdPerInstanceHour() / (all * 3600) * 1e6);
    }
    return Optional.of(
        new OfferFit.Layout(tp, replicas, plan, perReplica, headroom, tokensPerSecond, cost));
  }

  /**
   * Sequences of the context one copy holds: the engine's count in {@code one} (the plan of one
   * sequence), else the planner's solver.
   */
  private long heldSequences(MemoryPlan one, Deployment deployment) {
    if (one.engine().isPresent()) {
      return (long) Math.floor(one.engine().get().maxConcurrency());
    }
    OptionalLong n =
        CapacitySolver.maxSequences(
            planner, precision, Workload.of(contextTokens, 1), deployment, batchCap);
    return n.orElse(0);
  }

  private static OfferFit refused(Offer offer, String reason) {
    return new OfferFit(offer, Optional.empty(), Optional.of(reason));
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
  }
}
