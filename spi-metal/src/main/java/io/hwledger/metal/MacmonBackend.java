package io.hwledger.metal;

import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.SessionGuard;
import io.hwledger.spi.TelemetrySample;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/** A session that runs {@code macmon pipe -s 1} once per sample. */
final class MacmonBackend implements GpuBackend {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final String id;
  private final List<String> command;
  private final CommandRunner runner;
  private final Clock clock;
  private final GpuDevice device;
  private final SessionGuard guard;

  MacmonBackend(String id, String macmon, CommandRunner runner, Clock clock) {
    this.id = id;
    this.command = List.of(macmon, "pipe", "-s", "1");
    this.runner = runner;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.guard = SessionGuard.stateless("the " + id + " backend");
    Optional<IoregAccelerator> accelerator = Ioreg.read(runner);
    this.device =
        AppleSamples.device(
            id,
            PlatformUuid.read(runner),
            accelerator.flatMap(IoregAccelerator::model),
            accelerator.map(IoregAccelerator::ioClass),
            OptionalLong.empty(),
            true); // macmon runs on Apple silicon only: unified memory
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public List<GpuDevice> devices() {
    return guard.call(() -> List.of(device));
  }

  @Override
  public TelemetrySample sample(GpuDevice requested) {
    return guard.call(() -> read(requested));
  }

  private TelemetrySample read(GpuDevice requested) {
    AppleSamples.requireSessionDevice(device, requested);
    String output;
    try {
      output = runner.run(command, TIMEOUT);
    } catch (IOException e) {
      throw new BackendException(BackendException.Kind.FAILED, e.getMessage(), e);
    }
    List<MacmonSample> samples;
    try {
      samples = MacmonParser.parseAll(output);
    } catch (IllegalArgumentException e) {
      throw new BackendException(BackendException.Kind.FAILED, e.getMessage(), e);
    }
    if (samples.isEmpty()) {
      throw new BackendException(BackendException.Kind.FAILED, "macmon printed no sample");
    }
    return AppleSamples.fromMacmon(device, clock.instant(), samples.get(samples.size() - 1));
  }

  @Override
  public void close() {
    guard.close();
  }
}
