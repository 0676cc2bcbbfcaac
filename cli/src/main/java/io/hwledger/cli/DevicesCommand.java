package io.hwledger.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.spi.BackendException;
import io.hwledger.spi.BackendStatus;
import io.hwledger.spi.GpuBackends;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.HostDevice;
import io.hwledger.spi.HostDevices;
import io.hwledger.spi.TelemetrySample;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger devices}: every GPU of this machine and what it holds now, read through the
 * registry's host view ({@link GpuBackends#host()}: one backend per vendor by priority, or only the
 * one {@code hwledger.backends} selects) or only through the backend named by {@code --backend}.
 * With {@code --watch} each redraw lists the devices again, so a backend that becomes available
 * shows up.
 */
@Command(
    name = "devices",
    mixinStandardHelpOptions = true,
    description = "Lists this machine's GPUs with memory, utilisation, temperature and power.")
final class DevicesCommand implements Callable<Integer> {
  private final Streams io;
  private final Supplier<GpuBackends> backends;

  @Spec CommandSpec spec;

  @Option(names = "--backend", paramLabel = "ID", description = "Read through this backend only.")
  String backend;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(names = "--watch", description = "Redraw the table until interrupted.")
  boolean watch;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      description = "Time between redraws with --watch: 500ms, 2s, 1m (default 2s).")
  String interval = "2s";

  DevicesCommand(Streams io, Supplier<GpuBackends> backends) {
    this.io = io;
    this.backends = backends;
  }

  @Override
  public Integer call() throws InterruptedException {
    Duration every;
    try {
      every = parseDuration(interval);
    } catch (IllegalArgumentException e) {
      throw Usage.error(spec.commandLine(), e);
    }
    if (watch && json) {
      throw Usage.error(spec.commandLine(), "--watch and --json cannot be combined");
    }
    GpuBackends registry = backends.get();
    List<BackendStatus> statuses = registry.statuses();
    if (backend != null && statuses.stream().noneMatch(s -> s.id().equals(backend))) {
      throw Usage.error(
          spec.commandLine(),
          "--backend: unknown backend "
              + Usage.quote(backend)
              + " (known: "
              + String.join(", ", statuses.stream().map(BackendStatus::id).toList())
              + ")");
    }
    try (HostDevices host =
        backend != null
            ? registry.host(List.of(backend), Clock.systemUTC())
            : registry.host(Clock.systemUTC())) {
      do {
        List<HostDevice> devices = host.devices();
        if (devices.isEmpty() && !watch) {
          return noGpu(statuses);
        }
        List<TelemetrySample> samples = new ArrayList<>();
        for (HostDevice device : devices) {
          samples.add(sample(host, device.device()));
        }
        if (json) {
          JsonWriter.print(io.out(), json(statuses, devices, samples));
        } else {
          if (watch && io.terminal()) {
            io.out().print("\033[H\033[2J"); // clear the screen, cursor home
          }
          if (devices.isEmpty()) {
            noGpu(statuses);
          } else {
            table(devices, samples);
          }
        }
        if (watch) {
          Thread.sleep(every.toMillis());
        }
      } while (watch);
    }
    return 0;
  }

  private static TelemetrySample sample(HostDevices host, GpuDevice device) {
    try {
      return host.sample(device);
    } catch (BackendException e) {
      throw new RequestFailedException(device.backend() + ": " + e.getMessage());
    }
  }

  private int noGpu(List<BackendStatus> statuses) {
    if (json) {
      JsonWriter.print(io.out(), json(statuses, List.of(), List.of()));
    } else {
      io.out().println("No GPU found. Backends:");
      for (BackendStatus s : statuses) {
        io.out()
            .printf(
                Locale.ROOT,
                "  %-14s %s%n",
                s.id(),
                (s.availability().available() ? "available: " : "unavailable: ")
                    + s.availability().reason());
      }
    }
    return 0;
  }

  private void table(List<HostDevice> devices, List<TelemetrySample> samples) {
    TextTable t = new TextTable("lrllrrrrr");
    t.row("BACKEND", "IDX", "NAME", "UUID", "MEM USED", "MEM TOTAL", "UTIL", "TEMP", "POWER");
    for (int i = 0; i < samples.size(); i++) {
      TelemetrySample s = samples.get(i);
      GpuDevice d = s.device();
      t.row(
          d.backend(),
          Integer.toString(d.index()),
          d.name() + (devices.get(i).integrated() ? " (integrated)" : ""),
          d.uuid(),
          gib(s.memory().usedBytes()),
          gib(s.memory().totalBytes()),
          format(s.utilizationPercent(), "%.0f%%"),
          format(s.temperatureC(), "%.0f °C"),
          format(s.powerWatts(), "%.1f W"));
    }
    io.out()
        .println(
            "Backends "
                + String.join(
                    ", ", devices.stream().map(d -> d.device().backend()).distinct().toList())
                + " (GiB = 2^30 bytes; - = not supported; integrated = shares the host's memory)");
    t.print(io.out(), "");
  }

  private static String gib(OptionalLong bytes) {
    return bytes.isPresent()
        ? String.format(Locale.ROOT, "%.2f GiB", bytes.getAsLong() / (double) (1L << 30))
        : "-";
  }

  private static String format(OptionalDouble value, String pattern) {
    return value.isPresent() ? String.format(Locale.ROOT, pattern, value.getAsDouble()) : "-";
  }

  static ObjectNode json(
      List<BackendStatus> statuses, List<HostDevice> devices, List<TelemetrySample> samples) {
    ObjectNode root = JsonWriter.object();
    ArrayNode backendsNode = root.putArray("backends");
    for (BackendStatus s : statuses) {
      ObjectNode b = backendsNode.addObject();
      b.put("id", s.id());
      b.put("available", s.availability().available());
      b.put("reason", s.availability().reason());
    }
    ArrayNode devicesNode = root.putArray("devices");
    for (int i = 0; i < samples.size(); i++) {
      TelemetrySample s = samples.get(i);
      GpuDevice d = s.device();
      ObjectNode n = devicesNode.addObject();
      n.put("backend", d.backend());
      n.put("index", d.index());
      n.put("uuid", d.uuid());
      n.put("name", d.name());
      n.put("vendor", d.vendor().name().toLowerCase(Locale.ROOT));
      n.put("integrated", devices.get(i).integrated());
      ObjectNode memory = n.putObject("memory");
      put(memory, "totalBytes", s.memory().totalBytes());
      put(memory, "usedBytes", s.memory().usedBytes());
      put(memory, "freeBytes", s.memory().freeBytes());
      put(n, "utilizationPercent", s.utilizationPercent());
      put(n, "temperatureC", s.temperatureC());
      put(n, "powerWatts", s.powerWatts());
    }
    return root;
  }

  private static void put(ObjectNode node, String field, OptionalLong value) {
    if (value.isPresent()) {
      node.put(field, value.getAsLong());
    } else {
      node.putNull(field);
    }
  }

  private static void put(ObjectNode node, String field, OptionalDouble value) {
    if (value.isPresent()) {
      node.put(field, value.getAsDouble());
    } else {
      node.putNull(field);
    }
  }

  /** Parses {@code 500ms}, {@code 2s}, {@code 1m} or an ISO-8601 duration such as {@code PT2S}. */
  static Duration parseDuration(String text) {
    return Durations.parse("--interval", text);
  }
}
