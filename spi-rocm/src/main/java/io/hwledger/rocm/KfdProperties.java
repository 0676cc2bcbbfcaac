package io.hwledger.rocm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses KFD topology node {@code properties} (Linux {@code drivers/gpu/drm/amd/amdkfd/
 * kfd_topology.c}, {@code node_show}: one {@code name value} pair a line, values unsigned decimal),
 * both as one node's file and as the output of {@link #COMMAND}, which a remote host answers
 * without an agent. A line that is not a name and a number is skipped, so a newer kernel's extra
 * keys change nothing.
 */
public final class KfdProperties {

  /**
   * The read-only command whose output {@link #parse(String)} reads: every node's properties, each
   * line prefixed with its file's path.
   */
  public static final String COMMAND = "grep -H '' /sys/class/kfd/kfd/topology/nodes/*/properties";

  private static final Pattern GREP_LINE =
      Pattern.compile("(?:.*/)?nodes/(\\d{1,9})/properties:(.*)");

  private KfdProperties() {}

  /**
   * One topology node, CPU or GPU.
   *
   * @param number the node directory's number
   * @param cpuCoresCount {@code cpu_cores_count}: CPU cores in the node, 0 for a GPU-only node
   * @param simdCount {@code simd_count}: SIMD units in the node, 0 for a CPU-only node
   * @param gfxTargetVersion {@code gfx_target_version} ({@code major*10000 + minor*100 +
   *     stepping}), where printed
   * @param pciAddress the PCI address ({@code 0000:c1:00.0}) from {@code domain} and {@code
   *     location_id}, where {@code location_id} is printed
   */
  public record Node(
      int number,
      long cpuCoresCount,
      long simdCount,
      OptionalLong gfxTargetVersion,
      Optional<String> pciAddress) {

    /**
     * Checks the arguments.
     *
     * @param number the node number, at least 0
     * @param cpuCoresCount CPU cores
     * @param simdCount SIMD units
     * @param gfxTargetVersion {@code gfx_target_version}, if printed
     * @param pciAddress the PCI address, if known
     */
    public Node {
      if (number < 0) {
        throw new IllegalArgumentException("node number must not be negative, was " + number);
      }
      Objects.requireNonNull(gfxTargetVersion, "gfxTargetVersion");
      Objects.requireNonNull(pciAddress, "pciAddress");
    }

    /**
     * Whether the node has a GPU: it has SIMD units.
     *
     * @return {@code simd_count > 0}
     */
    public boolean gpu() {
      return simdCount > 0;
    }

    /**
     * The LLVM target of the node's GPU ({@code gfx1103}), where known.
     *
     * @return the name; empty for a CPU node or an unknown version
     */
    public Optional<String> architecture() {
      return gfxTargetVersion.isPresent()
          ? GfxTarget.fromKfd(gfxTargetVersion.getAsLong())
          : Optional.empty();
    }

    /**
     * Whether the node's GPU is an APU's, sharing the host's memory. Either fact proves it: the
     * node holds CPU cores and SIMD units together (the ACPI CRAT of an IOMMUv2 APU, Kaveri to
     * Raven, on kernels before 6.6; {@code kfd_topology.c} logs such a node as "APU node"), or its
     * gfx target is one that LLVM's processor table types "APU" ({@link GfxTarget#isApu}). Since
     * Linux 6.6 dropped IOMMUv2, every GPU gets a node of its own with {@code cpu_cores_count 0},
     * so on current kernels only the gfx target tells a Phoenix or Strix APU.
     *
     * @return true if either fact holds
     */
    public boolean apu() {
      return gpu() && (cpuCoresCount > 0 || architecture().map(GfxTarget::isApu).orElse(false));
    }
  }

  /**
   * Parses the output of {@link #COMMAND}.
   *
   * @param output lines {@code <path>/nodes/<N>/properties:<name> <value>}
   * @return every node, CPU nodes included, by node number; empty for empty output
   * @throws IllegalArgumentException naming the line, for a non-blank line without such a path
   */
  public static List<Node> parse(String output) {
    Objects.requireNonNull(output, "output");
    Map<Integer, Map<String, Long>> byNode = new TreeMap<>();
    List<String> lines = output.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      Matcher m = GREP_LINE.matcher(line.strip());
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "KFD properties line "
                + (i + 1)
                + " is not '<path>/nodes/<N>/properties:<name> <value>': "
                + clip(line));
      }
      Map<String, Long> values =
          byNode.computeIfAbsent(Integer.parseInt(m.group(1)), n -> new HashMap<>());
      putLine(values, m.group(2));
    }
    List<Node> nodes = new ArrayList<>();
    byNode.forEach((number, values) -> nodes.add(node(number, values)));
    nodes.sort(Comparator.comparingInt(Node::number));
    return List.copyOf(nodes);
  }

  /** The node numbered {@code number} from the text of its {@code properties} file. */
  static Node parseFile(int number, String text) {
    Map<String, Long> values = new HashMap<>();
    text.lines().forEach(line -> putLine(values, line));
    return node(number, values);
  }

  /** One {@code name value} line into {@code values}; anything else is skipped. */
  private static void putLine(Map<String, Long> values, String line) {
    String[] parts = line.trim().split("\\s+", -1);
    if (parts.length == 2) {
      try {
        values.put(parts[0], Long.parseUnsignedLong(parts[1]));
      } catch (NumberFormatException e) {
        // not a number: skip the line
      }
    }
  }

  private static Node node(int number, Map<String, Long> values) {
    return new Node(
        number,
        values.getOrDefault("cpu_cores_count", 0L),
        values.getOrDefault("simd_count", 0L),
        optional(values.get("gfx_target_version")),
        pciAddress(values));
  }

  /**
   * {@code domain} and {@code location_id} ({@code pci_dev_id}: {@code bus << 8 | devfn}; on
   * partitioned GPUs the partition's node id sits in bits 28–31) as {@code 0000:c1:00.0}.
   */
  private static Optional<String> pciAddress(Map<String, Long> values) {
    Long location = values.get("location_id");
    if (location == null) {
      return Optional.empty();
    }
    long domain = values.getOrDefault("domain", 0L);
    long bus = (location >>> 8) & 0xff;
    long device = (location >>> 3) & 0x1f;
    long function = location & 0x7;
    return Optional.of(
        String.format(Locale.ROOT, "%04x:%02x:%02x.%x", domain, bus, device, function));
  }

  private static OptionalLong optional(Long value) {
    return value == null ? OptionalLong.empty() : OptionalLong.of(value);
  }

  private static String clip(String s) {
    String t = s.strip();
    return t.length() <= 80 ? t : t.substring(0, 77) + "...";
  }
}
