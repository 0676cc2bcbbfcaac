package io.hwledger.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.cloud.Offer;
import io.hwledger.cloud.PriceReport;
import io.hwledger.cloud.SourceOutcome;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hwledger cloud prices}: normalised offers, cheapest GPU-hour first. */
@Command(
    name = "prices",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Lists cloud GPU offers, normalised: price per instance-hour and per GPU-hour, memory per"
          + " GPU, market (on-demand or spot, secure or community), region and where each price"
          + " came from. Cheapest GPU-hour first."
    })
final class CloudPricesCommand implements Callable<Integer> {
  private final Streams io;
  private final Map<String, String> env;

  @Spec CommandSpec spec;

  @Mixin CloudCommand.Selection selection = new CloudCommand.Selection();

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  CloudPricesCommand(Streams io, Map<String, String> env) {
    this.io = io;
    this.env = env;
  }

  @Override
  public Integer call() {
    PriceReport report = selection.read(spec.commandLine(), io, env);
    List<Offer> offers =
        report.offers().stream().sorted(Comparator.comparingDouble(Offer::usdPerGpuHour)).toList();
    if (json) {
      ObjectNode root = JsonWriter.object();
      root.set("sources", CloudPricesCommand.sources(report));
      ArrayNode list = root.putArray("offers");
      offers.forEach(o -> list.add(offer(o)));
      ArrayNode unknown = root.putArray("unknownGpus");
      report.unknownGpus().forEach(unknown::add);
      JsonWriter.print(io.out(), root);
      return ErrorHandler.ExitCodes.OK;
    }
    TextTable table = new TextTable("lllrrrrlll");
    table.row(
        "provider",
        "offer",
        "GPU",
        "GPUs",
        "GiB/GPU",
        "$/h",
        "$/GPU-h",
        "market",
        "region",
        "fetched");
    for (Offer o : offers) {
      table.row(
          o.provider(),
          o.sku(),
          CloudCommand.gpuLabel(o),
          Integer.toString(o.gpuCount()),
          String.format(Locale.ROOT, "%.1f", o.memoryPerGpuBytes() / (double) (1L << 30)),
          String.format(Locale.ROOT, "%.3f", o.usdPerInstanceHour()),
          String.format(Locale.ROOT, "%.3f", o.usdPerGpuHour()),
          CloudCommand.marketLabel(o),
          o.region() == null ? "-" : o.region(),
          o.fetchedAt().toString());
    }
    table.print(io.out(), "");
    if (!report.unknownGpus().isEmpty()) {
      io.warn(
          "GPUs mapped to no catalog GPU (not planned): "
              + String.join(", ", report.unknownGpus()));
    }
    return ErrorHandler.ExitCodes.OK;
  }

  /** One offer as JSON, every normalised field. */
  static ObjectNode offer(Offer o) {
    ObjectNode n = JsonWriter.object();
    n.put("provider", o.provider());
    n.put("sku", o.sku());
    n.put("gpuName", o.gpuName());
    if (o.gpuId() == null) {
      n.putNull("gpu");
    } else {
      n.put("gpu", o.gpuId());
    }
    n.put("gpuCount", o.gpuCount());
    n.put("memoryPerGpuBytes", o.memoryPerGpuBytes());
    n.put("usdPerInstanceHour", o.usdPerInstanceHour());
    n.put("usdPerGpuHour", o.usdPerGpuHour());
    n.put("market", o.market().name());
    n.put("tier", o.tier().name());
    if (o.bidRule() == null) {
      n.putNull("bidRule");
    } else {
      n.put("bidRule", o.bidRule());
    }
    if (o.region() == null) {
      n.putNull("region");
    } else {
      n.put("region", o.region());
    }
    n.put("availability", o.availability().name());
    n.put("fetchedAt", o.fetchedAt().toString());
    n.put("source", o.source());
    return n;
  }

  /** Each source's origin, as JSON. */
  static ArrayNode sources(PriceReport report) {
    ArrayNode list = JsonWriter.object().arrayNode();
    for (SourceOutcome s : report.outcomes()) {
      ObjectNode n = list.addObject();
      n.put("source", s.source());
      n.put("origin", s.origin().name());
      n.put("asOf", s.asOf().toString());
      n.put("offers", s.offers());
      if (s.warning().isPresent()) {
        n.put("warning", s.warning().get());
      } else {
        n.putNull("warning");
      }
    }
    return list;
  }
}
