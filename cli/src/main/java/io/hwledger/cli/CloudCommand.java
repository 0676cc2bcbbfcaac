package io.hwledger.cli;

import io.hwledger.cloud.CloudPrices;
import io.hwledger.cloud.CloudSettings;
import io.hwledger.cloud.Market;
import io.hwledger.cloud.Offer;
import io.hwledger.cloud.PriceReport;
import io.hwledger.cloud.SourceOutcome;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger cloud}: cloud GPU prices ({@code prices}) and the cheapest deployment of a model
 * that fits ({@code offers}). Holds the options both take.
 */
@Command(
    name = "cloud",
    mixinStandardHelpOptions = true,
    description = {
      "Cloud GPU prices from Vast.ai, RunPod, Lambda and Modal, and the cheapest offer a model"
          + " fits on.",
      "Keys: VAST_API_KEY, RUNPOD_API_KEY, LAMBDA_API_KEY, or ID.apiKey in"
          + " ~/.config/hwledger/cloud.properties. A source without its key, or that cannot be"
          + " read, uses its dated snapshot and says so."
    })
final class CloudCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  CloudCommand() {}

  /** The {@code cloud} command with its subcommands. */
  static CommandLine commandLine(Streams io, Map<String, String> env) {
    CommandLine cloud = new CommandLine(new CloudCommand());
    cloud.addSubcommand(new CloudPricesCommand(io, env));
    cloud.addSubcommand(new CloudOffersCommand(io, env));
    return cloud;
  }

  /** Without a subcommand: a usage error naming the subcommands. */
  @Override
  public Integer call() {
    throw Usage.subcommandRequired(spec);
  }

  /** What {@code prices} and {@code offers} both take: which offers, and how to read them. */
  static final class Selection {
    @Option(
        names = "--provider",
        paramLabel = "ID",
        split = ",",
        description = "Only these sources (vastai, runpod, lambda, modal); default: all.")
    List<String> providers = List.of();

    @Option(names = "--gpu", paramLabel = "ID", description = "Only offers of this catalog GPU.")
    String gpu;

    @Option(names = "--spot", description = "Only spot (interruptible) offers.")
    boolean spot;

    @Option(names = "--on-demand", description = "Only on-demand offers.")
    boolean onDemand;

    @Option(
        names = "--max-price",
        paramLabel = "USD",
        description = "Only offers whose instance costs at most this per hour.")
    String maxPrice;

    @Option(
        names = "--region",
        paramLabel = "TEXT",
        description = "Only offers whose region contains this text (case ignored).")
    String region;

    @Option(names = "--offline", description = "Use the shipped snapshots only: no network.")
    boolean offline;

    @Option(names = "--refresh", description = "Read live even when the cache is fresh.")
    boolean refresh;

    /** Reads the sources, then keeps the offers the options select. */
    PriceReport read(CommandLine command, Streams io, Map<String, String> env) {
      if (spot && onDemand) {
        throw Usage.error(command, "--spot and --on-demand exclude each other");
      }
      if (offline && refresh) {
        throw Usage.error(command, "--offline and --refresh exclude each other");
      }
      Optional<String> gpuId =
          gpu == null ? Optional.empty() : Optional.of(Usage.gpu(command, "--gpu", gpu).id());
      double cap = maxPrice == null ? Double.POSITIVE_INFINITY : price(command);
      CloudSettings settings;
      try {
        settings = CloudSettings.of(env, Optional.of(CloudSettings.defaultFile(env)));
      } catch (IllegalArgumentException e) {
        throw new RequestFailedException(e.getMessage());
      }
      CloudPrices prices =
          CloudPrices.builder().settings(settings).cacheDirectory(cacheDirectory(env)).build();
      CloudPrices.Mode mode =
          offline
              ? CloudPrices.Mode.OFFLINE
              : refresh ? CloudPrices.Mode.REFRESH : CloudPrices.Mode.NORMAL;
      PriceReport report;
      try {
        report = prices.fetch(Set.copyOf(providers), mode);
      } catch (IllegalArgumentException e) {
        throw Usage.error(command, e);
      }
      for (SourceOutcome o : report.outcomes()) {
        o.warning().ifPresent(w -> io.warn(w));
      }
      List<Offer> kept =
          report.offers().stream()
              .filter(o -> gpuId.isEmpty() || gpuId.get().equals(o.gpuId()))
              .filter(o -> !spot || o.market() == Market.SPOT)
              .filter(o -> !onDemand || o.market() == Market.ON_DEMAND)
              .filter(o -> o.usdPerInstanceHour() <= cap)
              .filter(o -> region == null || inRegion(o, region))
              .toList();
      return new PriceReport(kept, report.outcomes());
    }

    /** Whether the offer's region contains {@code wanted}, case ignored; no region is no match. */
    private static boolean inRegion(Offer o, String wanted) {
      String where = o.region();
      return where != null
          && where.toLowerCase(Locale.ROOT).contains(wanted.toLowerCase(Locale.ROOT));
    }

    private double price(CommandLine command) {
      try {
        double v = Double.parseDouble(maxPrice.strip());
        if (!(v >= 0) || Double.isInfinite(v)) {
          throw new NumberFormatException();
        }
        return v;
      } catch (NumberFormatException e) {
        throw Usage.error(
            command,
            "--max-price must be US dollars per hour, such as 2.50; got '" + maxPrice + "'");
      }
    }

    /** {@code $XDG_CACHE_HOME/hwledger/cloud}, else {@code ~/.cache/hwledger/cloud}. */
    private static Path cacheDirectory(Map<String, String> env) {
      String xdg = env.get("XDG_CACHE_HOME");
      Path base =
          xdg != null && !xdg.isBlank()
              ? Path.of(xdg)
              : Path.of(System.getProperty("user.home"), ".cache");
      return base.resolve("hwledger").resolve("cloud");
    }
  }

  /** The catalog id of an offer's GPU, or its provider name with a question mark. */
  static String gpuLabel(Offer o) {
    return o.gpuId() != null ? o.gpuId() : o.gpuName() + " (?)";
  }

  /** {@code ON_DEMAND/SECURE} style, lower case. */
  static String marketLabel(Offer o) {
    return (o.market() == Market.SPOT ? "spot" : "on-demand")
        + "/"
        + o.tier().name().toLowerCase(Locale.ROOT);
  }
}
