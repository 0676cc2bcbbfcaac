/**
 * The JNA binding of NVML: {@link io.hwledger.nvidia.jna.NvmlLibrary} declares the exported
 * functions, {@link io.hwledger.nvidia.jna.NvmlLoader} finds the library lazily, and {@link
 * io.hwledger.nvidia.jna.JnaNvml} adapts it to the plain-Java {@link io.hwledger.nvidia.NvmlApi}.
 * On the module path this package must be opened to {@code com.sun.jna} (its structures are read
 * reflectively).
 */
@NullMarked
package io.hwledger.nvidia.jna;

import org.jspecify.annotations.NullMarked;
