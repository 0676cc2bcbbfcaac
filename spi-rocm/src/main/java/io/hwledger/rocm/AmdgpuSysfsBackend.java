package io.hwledger.rocm;

import io.hwledger.spi.BackendException;
import io.hwledger.spi.GpuBackend;
import io.hwledger.spi.GpuDevice;
import io.hwledger.spi.MemoryUsage;
import io.hwledger.spi.SessionGuard;
import io.hwledger.spi.TelemetrySample;
import io.hwledger.spi.Vendor;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A session over the amdgpu sysfs files; stateless reads, so thread-safe. Each card is matched to
 * its KFD topology node by PCI address for its architecture and per-process VRAM.
 */
final class AmdgpuSysfsBackend implements GpuBackend {
  private final Clock clock;
  private final List<GpuDevice> devices;
  private final List<AmdgpuSysfs.Card> cards;
  private final KfdTopology kfd;
  private final List<Optional<KfdTopology.Node>> nodes;
  private final SessionGuard guard =
      SessionGuard.stateless("backend " + AmdgpuSysfsBackendProvider.ID);

  AmdgpuSysfsBackend(AmdgpuSysfs sysfs, List<AmdgpuSysfs.Card> cards, Clock clock) {
    this.clock = clock;
    this.cards = List.copyOf(cards);
    this.kfd = new KfdTopology(sysfs.root());
    Optional<String> driver = sysfs.driverVersion();
    List<GpuDevice> list = new ArrayList<>();
    List<Optional<KfdTopology.Node>> found = new ArrayList<>();
    for (int i = 0; i < cards.size(); i++) {
      Optional<String> pci = AmdgpuSysfs.pciAddress(cards.get(i));
      Optional<KfdTopology.Node> node = pci.flatMap(kfd::nodeFor);
      found.add(node);
      list.add(identify(i, cards.get(i), pci, node, driver));
    }
    this.devices = List.copyOf(list);
    this.nodes = List.copyOf(found);
  }

  private static GpuDevice identify(
      int index,
      AmdgpuSysfs.Card card,
      Optional<String> pci,
      Optional<KfdTopology.Node> node,
      Optional<String> driver) {
    String uuid =
        AmdGpuIdentity.uuid(AmdgpuSysfs.uniqueId(card), pci, "amdgpu-card" + card.cardNumber());
    String name =
        AmdgpuSysfs.productName(card)
            .orElseGet(
                () ->
                    "AMD GPU " + AmdgpuSysfs.pciDeviceId(card).orElse("card" + card.cardNumber()));
    return new GpuDevice(
        AmdgpuSysfsBackendProvider.ID,
        index,
        uuid,
        pci,
        name,
        Vendor.AMD,
        node.flatMap(KfdTopology.Node::architecture),
        driver,
        AmdgpuSysfs.vramTotalBytes(card),
        node.map(KfdTopology.Node::apu).orElse(false));
  }

  @Override
  public String id() {
    return AmdgpuSysfsBackendProvider.ID;
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
    int index = device.index();
    if (!device.backend().equals(id()) || index >= devices.size()) {
      throw new IllegalArgumentException("not a device of this session: " + device);
    }
    AmdgpuSysfs.Card card = cards.get(index);
    if (!Files.isDirectory(card.deviceDirectory())) {
      throw new BackendException(
          BackendException.Kind.DEVICE_LOST, card.deviceDirectory() + " is gone");
    }
    OptionalLong total = AmdgpuSysfs.vramTotalBytes(card);
    OptionalLong used = AmdgpuSysfs.vramUsedBytes(card);
    OptionalLong free =
        total.isPresent() && used.isPresent()
            ? OptionalLong.of(Math.max(0, total.getAsLong() - used.getAsLong()))
            : OptionalLong.empty();
    return new TelemetrySample(
        device,
        clock.instant(),
        new MemoryUsage(total, used, free, OptionalLong.empty(), false),
        AmdgpuSysfs.busyPercent(card),
        AmdgpuSysfs.temperatureC(card),
        AmdgpuSysfs.powerWatts(card),
        AmdgpuSysfs.graphicsClockMhz(card),
        AmdgpuSysfs.memoryClockMhz(card),
        nodes.get(index).flatMap(n -> kfd.processes(n.gpuId())));
  }

  @Override
  public void close() {
    guard.close();
  }
}
