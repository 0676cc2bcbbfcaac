package io.hwledger.examples.backend;

import io.hwledger.spi.Availability;
import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.MemoryUsage;
import io.hwledger.spi.SessionGuard;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.spi.Vendor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * An example third-party GPU backend that replays devices from a CSV file: for demos, CI and
 * dashboards on machines without a GPU. It shows everything a real backend does (ServiceLoader
 * registration, a side-effect-free constructor, an availability check with a reason, unsupported
 * metrics as absent values, an injected clock, close semantics) and passes the TCK.
 *
 * <p><b>Enabling it.</b> Found by {@link java.util.ServiceLoader} through {@code
 * META-INF/services}, it is <em>unavailable</em> unless the system property {@value #PROPERTY}
 * names a CSV file (a path, or {@code classpath:} plus a resource name such as {@code
 * classpath:hwledger-examples/fake-gpus.csv}), so it can never pass off fake GPUs as real ones by
 * accident. On the module path such a resource must sit outside every package (as that one does) or
 * in a package its module opens. Its priority is {@value #PRIORITY}, below any real backend. Code
 * can also construct it directly with {@link #FakeCsvBackendProvider(URL)}.
 *
 * <p><b>Format.</b> UTF-8; lines starting with {@code #} and blank lines are ignored; the first
 * other line is the header, exactly {@value #HEADER}; then one line per device, in index order from
 * 0. Cells are comma-separated without quoting. An empty cell in an optional column ({@code
 * pci_bus_id} onward) is an unsupported metric and is reported absent. Every sample of a device
 * returns its row's values, stamped with the session clock's instant. The file is read when {@link
 * #isAvailable()} or {@link #open} is called, never in the constructor.
 */
public final class FakeCsvBackendProvider implements GpuBackendProvider {

  /** The system property naming the CSV file. */
  public static final String PROPERTY = "hwledger.fakecsv";

  /** The provider id. */
  public static final String ID = "fake-csv";

  /** The priority: below every real backend. */
  public static final int PRIORITY = -1000;

  /** The required header line. */
  public static final String HEADER =
      "index,uuid,name,pci_bus_id,architecture,driver_version,memory_total_bytes,"
          + "memory_used_bytes,memory_free_bytes,utilization_percent,temperature_c,power_w,"
          + "graphics_clock_mhz,memory_clock_mhz";

  private static final int COLUMNS = HEADER.split(",", -1).length;

  private final Optional<URL> source;

  /** For ServiceLoader: the file named by {@value #PROPERTY}, if any, read lazily. */
  public FakeCsvBackendProvider() {
    this.source = Optional.empty();
  }

  /** Replays the CSV at {@code source}. */
  public FakeCsvBackendProvider(URL source) {
    this.source = Optional.of(Objects.requireNonNull(source, "source"));
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  @Override
  public Availability isAvailable() {
    try {
      URL url = resolve();
      return Availability.available(parse(url).size() + " device(s) from " + url);
    } catch (IOException | IllegalArgumentException e) {
      return Availability.unavailable(e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  @Override
  public GpuBackend open(Clock clock) {
    Objects.requireNonNull(clock, "clock");
    try {
      return new Session(clock, parse(resolve()));
    } catch (IOException | IllegalArgumentException e) {
      throw new BackendException(BackendException.Kind.UNAVAILABLE, e.getMessage(), e);
    }
  }

  private URL resolve() throws IOException {
    if (source.isPresent()) {
      return source.get();
    }
    String value = System.getProperty(PROPERTY);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("disabled: set -D" + PROPERTY + "=<csv file> to enable");
    }
    if (value.startsWith("classpath:")) {
      String name = value.substring("classpath:".length()).replaceFirst("^/", "");
      URL url = FakeCsvBackendProvider.class.getClassLoader().getResource(name);
      if (url == null) {
        throw new IllegalArgumentException(
            "no class-path resource "
                + name
                + " (on the module path, a resource inside a package is found only if its module"
                + " opens the package)");
      }
      return url;
    }
    return Path.of(value).toUri().toURL();
  }

  /** A parsed row. */
  private record Row(
      GpuDevice device,
      MemoryUsage memory,
      OptionalDouble utilization,
      OptionalDouble temperature,
      OptionalDouble power,
      OptionalLong graphicsClock,
      OptionalLong memoryClock) {}

  private static List<Row> parse(URL url) throws IOException {
    List<Row> rows = new ArrayList<>();
    boolean headerSeen = false;
    int lineNumber = 0;
    try (InputStream in = url.openStream();
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNumber++;
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        if (!headerSeen) {
          if (!trimmed.equals(HEADER)) {
            throw new IllegalArgumentException(
                url + ":" + lineNumber + ": expected header " + HEADER);
          }
          headerSeen = true;
          continue;
        }
        try {
          rows.add(row(trimmed.split(",", -1), rows.size()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(url + ":" + lineNumber + ": " + e.getMessage(), e);
        }
      }
    }
    if (!headerSeen) {
      throw new IllegalArgumentException(url + ": no header line");
    }
    return List.copyOf(rows);
  }

  private static Row row(String[] c, int expectedIndex) {
    if (c.length != COLUMNS) {
      throw new IllegalArgumentException(COLUMNS + " cells expected, found " + c.length);
    }
    String[] cell = Arrays.stream(c).map(String::strip).toArray(String[]::new);
    int index = Integer.parseInt(cell[0]);
    if (index != expectedIndex) {
      throw new IllegalArgumentException("index " + expectedIndex + " expected, found " + index);
    }
    if (cell[1].isEmpty() || cell[2].isEmpty()) {
      throw new IllegalArgumentException("uuid and name are required");
    }
    OptionalLong total = longCell(cell[6]);
    GpuDevice device =
        new GpuDevice(
            ID,
            index,
            cell[1],
            text(cell[3]),
            cell[2],
            Vendor.OTHER,
            text(cell[4]),
            text(cell[5]),
            total);
    MemoryUsage memory =
        new MemoryUsage(total, longCell(cell[7]), longCell(cell[8]), OptionalLong.empty(), false);
    return new Row(
        device,
        memory,
        doubleCell(cell[9]),
        doubleCell(cell[10]),
        doubleCell(cell[11]),
        longCell(cell[12]),
        longCell(cell[13]));
  }

  private static Optional<String> text(String cell) {
    return cell.isEmpty() ? Optional.empty() : Optional.of(cell);
  }

  private static OptionalLong longCell(String cell) {
    return cell.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(cell));
  }

  private static OptionalDouble doubleCell(String cell) {
    return cell.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(cell));
  }

  /**
   * An open replay; immutable apart from its {@link SessionGuard}, so thread-safe. It holds nothing
   * to free, so the guard is stateless; a backend over a native library uses {@link
   * SessionGuard#releasing} to release it once, after calls in flight.
   */
  private static final class Session implements GpuBackend {
    private final Clock clock;
    private final List<Row> rows;
    private final List<GpuDevice> devices;
    private final SessionGuard guard = SessionGuard.stateless("fake-csv session");

    Session(Clock clock, List<Row> rows) {
      this.clock = clock;
      this.rows = rows;
      this.devices = rows.stream().map(Row::device).toList();
    }

    @Override
    public String id() {
      return ID;
    }

    @Override
    public List<GpuDevice> devices() {
      return guard.call(() -> devices);
    }

    @Override
    public TelemetrySample sample(GpuDevice device) {
      return guard.call(() -> read(device));
    }

    private TelemetrySample read(GpuDevice device) {
      Objects.requireNonNull(device, "device");
      if (device.index() >= rows.size() || !rows.get(device.index()).device().equals(device)) {
        throw new BackendException(BackendException.Kind.FAILED, "unknown device " + device.uuid());
      }
      Row r = rows.get(device.index());
      return new TelemetrySample(
          r.device(),
          clock.instant(),
          r.memory(),
          r.utilization(),
          r.temperature(),
          r.power(),
          r.graphicsClock(),
          r.memoryClock(),
          Optional.empty());
    }

    @Override
    public void close() {
      guard.close();
    }
  }
}
