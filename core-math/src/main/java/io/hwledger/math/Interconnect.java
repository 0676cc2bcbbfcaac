package io.hwledger.math;

import java.util.Locale;
import java.util.Objects;

/**
 * The link tensor- and pipeline-parallel ranks talk over, as the speed model sees it: a one-way
 * bandwidth and a fixed latency per collective.
 *
 * @param name label, e.g. {@code nvlink}
 * @param bytesPerSecond one-way bandwidth per GPU, bytes per second
 * @param latencySeconds fixed cost of one all-reduce or one point-to-point send, seconds
 */
public record Interconnect(String name, double bytesPerSecond, double latencySeconds) {

  /**
   * NVLink 4 as on H100 SXM: NVIDIA publishes 900 GB/s per GPU, both directions together, so 450
   * GB/s one way. The 10 µs latency is an assumption (the order of an NCCL all-reduce of a few
   * kilobytes), not a measurement.
   */
  public static final Interconnect NVLINK = new Interconnect("nvlink", 450e9, 10e-6);

  /**
   * PCIe 4.0 x16: 16 GT/s · 16 lanes · 128/130 encoding / 8 = 31.5 GB/s one way (PCI-SIG's
   * signalling rate). The 20 µs latency is an assumption covering a host-staged copy, not a
   * measurement.
   */
  public static final Interconnect PCIE = new Interconnect("pcie", 31.5e9, 20e-6);

  /**
   * Validates the arguments.
   *
   * @param name label, e.g. {@code nvlink}
   * @param bytesPerSecond one-way bandwidth per GPU, bytes per second
   * @param latencySeconds fixed cost of one collective or send, seconds
   * @throws IllegalArgumentException if {@code bytesPerSecond} is not positive and finite, or
   *     {@code latencySeconds} is negative, infinite or NaN
   */
  public Interconnect {
    Objects.requireNonNull(name, "name");
    if (!(bytesPerSecond > 0) || Double.isInfinite(bytesPerSecond)) {
      throw new IllegalArgumentException("bytesPerSecond must be positive, was " + bytesPerSecond);
    }
    if (!(latencySeconds >= 0) || Double.isInfinite(latencySeconds)) {
      throw new IllegalArgumentException("latencySeconds must be >= 0, was " + latencySeconds);
    }
  }

  /**
   * {@link #NVLINK} for NVIDIA SXM, HGX, NVL and GB200 parts (by catalog id), otherwise {@link
   * #PCIE}.
   *
   * @param gpu the deployment's GPU
   * @return the link its ranks are assumed to use
   */
  public static Interconnect defaultFor(io.hwledger.api.GpuSpec gpu) {
    Objects.requireNonNull(gpu, "gpu");
    String id = gpu.id().toLowerCase(Locale.ROOT);
    boolean nvlink =
        "NVIDIA".equalsIgnoreCase(gpu.vendor())
            && (id.contains("sxm")
                || id.contains("hgx")
                || id.contains("nvl")
                || id.contains("gb200"));
    return nvlink ? NVLINK : PCIE;
  }

  /**
   * {@link #NVLINK} or {@link #PCIE} by name, ignoring case and surrounding whitespace.
   *
   * @param text {@code nvlink} or {@code pcie}
   * @return the named interconnect
   * @throws IllegalArgumentException for any other name
   */
  public static Interconnect parse(String text) {
    Objects.requireNonNull(text, "text");
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "nvlink":
        return NVLINK;
      case "pcie":
        return PCIE;
      default:
        throw new IllegalArgumentException(
            "unknown interconnect '" + text + "' (known: nvlink, pcie)");
    }
  }
}
