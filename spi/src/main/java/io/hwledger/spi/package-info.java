/**
 * The GPU telemetry service-provider interface: a {@link io.hwledger.spi.GpuBackendProvider} per
 * vendor library or tool, found by {@link java.util.ServiceLoader}, opens a {@link
 * io.hwledger.spi.GpuBackend} session that lists {@link io.hwledger.spi.GpuDevice}s and takes
 * {@link io.hwledger.spi.TelemetrySample}s of them.
 *
 * <p>A metric a device or driver does not support is reported as absent (an empty optional), never
 * as 0.
 */
@NullMarked
package io.hwledger.spi;

import org.jspecify.annotations.NullMarked;
