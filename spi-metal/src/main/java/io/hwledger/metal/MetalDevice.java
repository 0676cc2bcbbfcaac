package io.hwledger.metal;

/**
 * An open handle on Metal's default device. Implemented natively in {@code io.hwledger.metal.jna};
 * this interface lets the backend logic run against a fake in tests. Thread-safe; {@link #close()}
 * releases the device and is idempotent.
 */
public interface MetalDevice extends AutoCloseable {

  /**
   * {@code MTLDevice.name}, e.g. {@code Apple M4 Max}.
   *
   * @return the GPU's name as Metal reports it
   */
  String name();

  /**
   * {@code MTLDevice.hasUnifiedMemory}: true on Apple silicon.
   *
   * @return whether CPU and GPU share memory
   */
  boolean hasUnifiedMemory();

  /**
   * The device's memory figures now.
   *
   * @return the working-set limit and this process's allocations, bytes
   */
  MetalReading read();

  /** Releases the device; safe to call more than once. */
  @Override
  void close();
}
