package io.hwledger.rocm;

import io.hwledger.spi.ProcessMemory;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Reads the KFD (amdkfd, the compute side of amdgpu) sysfs files under {@code
 * <root>/sys/class/kfd/kfd/}: the topology nodes and the per-process VRAM. A missing or unreadable
 * file makes its value absent, never 0.
 *
 * <p>Files (Linux {@code drivers/gpu/drm/amd/amdkfd/kfd_topology.c}, {@code node_show}; {@code
 * kfd_process.c}, {@code kfd_procfs_add_sysfs_files}):
 *
 * <ul>
 *   <li>{@code topology/nodes/N/gpu_id}: the GPU's KFD id, 0 for a CPU node;
 *   <li>{@code topology/nodes/N/properties}: one {@code name value} pair a line, among them {@code
 *       gfx_target_version} ({@code major*10000 + minor*100 + stepping}), {@code domain} (PCI
 *       domain) and {@code location_id} ({@code pci_dev_id}: {@code bus << 8 | devfn}; on
 *       partitioned GPUs the partition's node id sits in bits 28–31);
 *   <li>{@code proc/<pid>/vram_<gpu_id>}: VRAM the process holds on that GPU, bytes.
 * </ul>
 */
final class KfdTopology {
  private static final Pattern NUMBER = Pattern.compile("\\d+");

  private final Path kfd;

  /** A reader of the KFD tree under {@code root} (normally {@code /}). */
  KfdTopology(Path root) {
    this.kfd = root.resolve("sys/class/kfd/kfd");
  }

  /**
   * One GPU node of the topology.
   *
   * @param number the node directory's number
   * @param gpuId the KFD gpu_id, the suffix of {@code vram_<gpu_id>}
   * @param gfxTargetVersion {@code gfx_target_version}, where present
   * @param pciAddress the PCI address ({@code 0000:c1:00.0}) from {@code domain} and {@code
   *     location_id}, where present
   */
  record Node(int number, long gpuId, OptionalLong gfxTargetVersion, Optional<String> pciAddress) {
    /** The LLVM target ({@code gfx942}), where known. */
    Optional<String> architecture() {
      return gfxTargetVersion.isPresent()
          ? GfxTarget.fromKfd(gfxTargetVersion.getAsLong())
          : Optional.empty();
    }
  }

  /** The GPU nodes (non-zero {@code gpu_id}), by node number; empty without KFD. */
  List<Node> gpuNodes() {
    List<Node> nodes = new ArrayList<>();
    Path dir = kfd.resolve("topology/nodes");
    if (!Files.isDirectory(dir)) {
      return nodes;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = Objects.toString(entry.getFileName(), "");
        if (!NUMBER.matcher(name).matches()) {
          continue;
        }
        OptionalLong gpuId = AmdgpuSysfs.readLong(entry.resolve("gpu_id"));
        if (gpuId.isEmpty() || gpuId.getAsLong() == 0) {
          continue;
        }
        Map<String, Long> props = properties(entry.resolve("properties"));
        nodes.add(
            new Node(
                Integer.parseInt(name),
                gpuId.getAsLong(),
                optional(props.get("gfx_target_version")),
                pciAddress(props)));
      }
    } catch (IOException | NumberFormatException e) {
      return List.of();
    }
    nodes.sort(Comparator.comparingInt(Node::number));
    return nodes;
  }

  /**
   * The node of the GPU at {@code pciAddress}; the lowest-numbered one where a partitioned GPU has
   * several.
   */
  Optional<Node> nodeFor(String pciAddress) {
    for (Node node : gpuNodes()) {
      if (node.pciAddress().map(pciAddress::equalsIgnoreCase).orElse(false)) {
        return Optional.of(node);
      }
    }
    return Optional.empty();
  }

  /**
   * The processes holding VRAM on the GPU with KFD id {@code gpuId}, by pid: empty when the kernel
   * has no {@code proc} directory (no KFD), an empty list when no process uses the GPU. A process
   * whose {@code vram_<gpu_id>} file exists but cannot be read is listed without bytes.
   */
  Optional<List<ProcessMemory>> processes(long gpuId) {
    Path proc = kfd.resolve("proc");
    if (!Files.isDirectory(proc)) {
      return Optional.empty();
    }
    String file = "vram_" + Long.toUnsignedString(gpuId);
    List<ProcessMemory> list = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc)) {
      for (Path entry : entries) {
        String pid = Objects.toString(entry.getFileName(), "");
        Path vram = entry.resolve(file);
        if (NUMBER.matcher(pid).matches() && Files.exists(vram)) {
          list.add(new ProcessMemory(Long.parseLong(pid), AmdgpuSysfs.readLong(vram)));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    list.sort(Comparator.comparingLong(ProcessMemory::pid));
    return Optional.of(list);
  }

  private static Optional<String> pciAddress(Map<String, Long> props) {
    Long location = props.get("location_id");
    if (location == null) {
      return Optional.empty();
    }
    long domain = props.getOrDefault("domain", 0L);
    long bus = (location >>> 8) & 0xff;
    long device = (location >>> 3) & 0x1f;
    long function = location & 0x7;
    return Optional.of(
        String.format(Locale.ROOT, "%04x:%02x:%02x.%x", domain, bus, device, function));
  }

  /** The {@code name value} lines of a properties file; lines that are not are skipped. */
  static Map<String, Long> properties(Path file) {
    Map<String, Long> map = new HashMap<>();
    Optional<String> text = AmdgpuSysfs.readString(file);
    if (text.isEmpty()) {
      return map;
    }
    for (String line : text.get().split("\n", -1)) {
      String[] parts = line.trim().split("\\s+", -1);
      if (parts.length == 2) {
        try {
          map.put(parts[0], Long.parseUnsignedLong(parts[1]));
        } catch (NumberFormatException e) {
          // not a number: skip the line
        }
      }
    }
    return map;
  }

  private static OptionalLong optional(Long value) {
    return value == null ? OptionalLong.empty() : OptionalLong.of(value);
  }
}
