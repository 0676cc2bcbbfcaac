/**
 * Apple GPU telemetry: {@link io.hwledger.metal.MetalBackendProvider} (Metal through the
 * Objective-C runtime, plus IOKit statistics read with {@code ioreg}) and {@link
 * io.hwledger.metal.MacmonBackendProvider} (the {@code macmon} tool), with plain-Java parsers for
 * {@code ioreg} and {@code macmon pipe} output. Native code lives only in {@code
 * io.hwledger.metal.jna} and loads lazily, on macOS.
 */
package io.hwledger.metal;
