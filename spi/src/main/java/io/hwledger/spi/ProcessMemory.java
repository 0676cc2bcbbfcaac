package io.hwledger.spi;

import java.util.OptionalLong;

/**
 * A process holding device memory.
 *
 * @param pid the operating-system process id
 * @param usedBytes device memory it holds, where the driver reports it
 */
public record ProcessMemory(long pid, OptionalLong usedBytes) {}
