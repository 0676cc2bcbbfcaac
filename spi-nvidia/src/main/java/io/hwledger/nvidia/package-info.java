/**
 * NVIDIA GPU telemetry backends.
 *
 * <ul>
 *   <li>{@link io.hwledger.nvidia.NvmlBackendProvider} ({@code nvml}, priority 100) reads NVML
 *       through JNA. The library is looked up by explicit path (system property {@code
 *       hwledger.nvml.library}, then environment variable {@code HWLEDGER_NVML_LIBRARY}), then as
 *       {@code nvidia-ml}, then {@code libnvidia-ml.so.1}, then {@code nvml} on Windows.
 *   <li>{@link io.hwledger.nvidia.NvidiaSmiBackendProvider} ({@code nvidia-smi}, priority 10) runs
 *       {@code nvidia-smi --query-gpu=… --format=csv,noheader,nounits} for hosts that have only the
 *       tool.
 * </ul>
 *
 * <p>Only {@code io.hwledger.nvidia.jna} touches JNA; everything else (error mapping, the
 * init/query/shutdown skeleton, CSV parsing) is plain Java.
 */
@NullMarked
package io.hwledger.nvidia;

import org.jspecify.annotations.NullMarked;
