package io.hwledger.cli;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * What every {@code hwledger fleet} command reads besides its options: the streams, the process
 * environment (for {@code HWLEDGER_FLEET_ADMIN} and {@code HWLEDGER_FLEET_PASSPHRASE}; tests give
 * their own) and the clock that ages and expiry times are shown against.
 *
 * @param io where the commands print
 * @param env the environment variables
 * @param clock the current time
 */
record FleetContext(Streams io, Map<String, String> env, Clock clock) {
  /** The environment variable that names the operator credential directory. */
  static final String ADMIN_ENV = "HWLEDGER_FLEET_ADMIN";

  /** The environment variable that holds the CA key's passphrase. */
  static final String PASSPHRASE_ENV = "HWLEDGER_FLEET_PASSPHRASE";

  FleetContext {
    Objects.requireNonNull(io, "io");
    env = Map.copyOf(env);
    Objects.requireNonNull(clock, "clock");
  }

  /** The value of environment variable {@code name}, or null when it is unset or blank. */
  String getenv(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value;
  }

  /** Never the environment: it may hold the passphrase. */
  @Override
  public String toString() {
    return "FleetContext[" + clock + "]";
  }
}
