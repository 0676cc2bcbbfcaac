package io.hwledger.spi;

import java.util.List;

/**
 * An open session with a GPU library or tool. Thread-safe: {@link #sample} may be called from
 * several threads at once. {@link #close()} releases the library (every init is paired with a
 * shutdown) and is idempotent; calls after close throw {@link IllegalStateException}.
 */
public interface GpuBackend extends AutoCloseable {

  /**
   * The provider id this session belongs to.
   *
   * @return the id of the {@link GpuBackendProvider} that opened it
   */
  String id();

  /**
   * The devices this backend sees, in index order; the same identities for the whole session.
   *
   * @return the devices in index order, possibly none
   * @throws BackendException if the backend fails
   */
  List<GpuDevice> devices();

  /**
   * Reads one device now.
   *
   * @param device one of {@link #devices()}
   * @return the reading, stamped by the session's clock
   * @throws BackendException of kind {@link BackendException.Kind#DEVICE_LOST} if the device is
   *     gone, or another kind if the read fails
   */
  TelemetrySample sample(GpuDevice device);

  /** Releases the library or tool; safe to call more than once. */
  @Override
  void close();
}
