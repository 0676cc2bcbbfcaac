package io.hwledger.rocm;

import io.hwledger.spi.ProcessMemory;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 *   <li>{@code topology/nodes/N/properties}: read by {@link KfdProperties}, the same rules as a
 *       remote host's output;
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
   * @param gpuId the KFD gpu_id, the suffix of {@code vram_<gpu_id>}
   * @param properties the node's {@code properties}, read by {@link KfdProperties}'s rules
   */
  record Node(long gpuId, KfdProperties.Node properties) {
    /** The node directory's number. */
    int number() {
      return properties.number();
    }

    /** The PCI address ({@code 0000:c1:00.0}), where known. */
    Optional<String> pciAddress() {
      return properties.pciAddress();
    }

    /** The LLVM target ({@code gfx942}), where known. */
    Optional<String> architecture() {
      return properties.architecture();
    }

    /** Whether the GPU is an APU's ({@link KfdProperties.Node#apu()}). */
    boolean apu() {
      return properties.apu();
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
        String text = AmdgpuSysfs.readString(entry.resolve("properties")).orElse("");
        nodes.add(
            new Node(gpuId.getAsLong(), KfdProperties.parseFile(Integer.parseInt(name), text)));
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
}
