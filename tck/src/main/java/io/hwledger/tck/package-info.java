/**
 * The technology compatibility kit for GPU telemetry backends: extend {@link
 * io.hwledger.tck.GpuBackendContract} in a backend's tests to prove it keeps the {@link
 * io.hwledger.spi} contract.
 */
@NullMarked
package io.hwledger.tck;

import org.jspecify.annotations.NullMarked;
