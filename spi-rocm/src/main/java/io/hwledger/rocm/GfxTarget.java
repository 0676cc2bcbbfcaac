package io.hwledger.rocm;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the numeric graphics versions that KFD and ROCm SMI report into LLVM target names ({@code
 * gfx942}).
 *
 * <p>The LLVM name is {@code gfx} + major in decimal + minor and stepping as one hex digit each
 * ({@code gfx90a} is 9.0.10); see LLVM {@code clang/tools/amdgpu-arch/AMDGPUArchByKFD.cpp}, which
 * prints {@code "gfx%ld%ld%lx"}.
 */
final class GfxTarget {
  /**
   * The targets LLVM's processor table ({@code llvm/docs/AMDGPUUsage.rst}, "AMDGPU Processors",
   * column "Type", at llvm-project commit {@code f5c8b0a9139bcc301b75f3e77e307f65f7f870d8}) types
   * "APU". gfx940 to gfx942 are typed "dGPU" there, so an MI300A is not told apart by its target.
   */
  private static final Set<String> APUS =
      Set.of(
          "gfx700", "gfx703", "gfx705", "gfx801", "gfx810", "gfx902", "gfx909", "gfx90c", "gfx1013",
          "gfx1033", "gfx1035", "gfx1036", "gfx1103", "gfx1150", "gfx1151");

  private GfxTarget() {}

  /** Whether LLVM types {@code name} ({@code gfx1103}) an APU (see {@link #APUS}). */
  static boolean isApu(String name) {
    return APUS.contains(name.toLowerCase(Locale.ROOT));
  }

  /**
   * The name of a KFD topology {@code gfx_target_version} ({@code major*10000 + minor*100 +
   * stepping}, e.g. {@code 90402} → {@code gfx942}, {@code 90010} → {@code gfx90a}); empty for 0 (a
   * CPU node) or a component that does not fit one hex digit.
   */
  static Optional<String> fromKfd(long version) {
    if (version <= 0) {
      return Optional.empty();
    }
    long major = version / 10000;
    long minor = (version / 100) % 100;
    long stepping = version % 100;
    return name(major, minor, stepping);
  }

  /**
   * The name of a value from {@code rsmi_dev_target_graphics_version_get}, which is not KFD's
   * number: ROCm SMI ({@code rocm_smi_utils.cc}, {@code rsmi_get_gfx_target_version}) forms {@code
   * major*100 + minor*10 + stepping}, multiplying the major part by 10 again when minor is 0, then
   * drops the {@code gfx}. So {@code 942} is gfx942, {@code 9010} is gfx90a (9.0.10), {@code 9008}
   * gfx908 and {@code 11000} gfx1100. {@code UINT64_MAX} (unsupported) and values that fit neither
   * form are empty.
   */
  static Optional<String> fromRocmSmi(long value) {
    if (value <= 0) {
      return Optional.empty(); // 0, or UINT64_MAX and other values above Long.MAX_VALUE
    }
    if (value >= 9000 && value < 9100) {
      return name(9, 0, value - 9000); // major 9, minor 0: 9000 + stepping
    }
    if (value >= 10000 && value < 100000) {
      return name(value / 1000, 0, value % 1000); // majors 10-99, minor 0
    }
    if (value >= 900 && value < 9000) {
      return name(value / 100, (value / 10) % 10, value % 10); // minor 1-9
    }
    return Optional.empty();
  }

  private static Optional<String> name(long major, long minor, long stepping) {
    if (major <= 0 || minor > 15 || stepping > 15) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "gfx%d%x%x", major, minor, stepping));
  }
}
