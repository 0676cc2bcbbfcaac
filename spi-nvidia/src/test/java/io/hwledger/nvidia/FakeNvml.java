package io.hwledger.nvidia;

import com.sun.jna.Library;
import com.sun.jna.Native;

/** The test controls exported by {@code src/test/c/fake_nvml.c}. */
interface FakeNvml extends Library {

  int NORMAL = 0;
  int DRIVER_NOT_LOADED = 1;
  int NOT_SUPPORTED = 2;
  int GPU_LOST = 3;
  int V2_ONLY = 4;
  int V2_VERSION_MISMATCH = 5;
  int UNKNOWN_ERROR = 6;
  int LIBRARY_NOT_FOUND = 7;

  void fake_nvml_set_scenario(int scenario);

  void fake_nvml_reset();

  int fake_nvml_init_calls();

  int fake_nvml_shutdown_calls();

  int fake_nvml_init_refs();

  int fake_nvml_memory_v1_calls();

  int fake_nvml_memory_v2_calls();

  /** The fake built as {@code libnvidia-ml.so.1}, as Surefire passes it. */
  static String currentPath() {
    return System.getProperty("hwledger.nvml.library");
  }

  /** The fake built without {@code nvmlDeviceGetMemoryInfo_v2}. */
  static String oldPath() {
    return System.getProperty("hwledger.test.nvml.oldLibrary");
  }

  static FakeNvml load(String path) {
    return Native.load(path, FakeNvml.class);
  }
}
