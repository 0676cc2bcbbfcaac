package io.hwledger.ledger.postgres;

import io.hwledger.ledger.LedgerOptions;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.LedgerStoreProvider;
import io.hwledger.ledger.Verification;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Opens {@code jdbc:postgresql:} locations as {@link PostgresLedgerStore}s, with the role, password
 * and schema from the environment and configuration file ({@link
 * PostgresSettings#fromEnvironment}). Found by {@link java.util.ServiceLoader}.
 */
public final class PostgresStoreProvider implements LedgerStoreProvider {

  private final Map<String, String> env;

  /** For {@link java.util.ServiceLoader}: settings from this process's environment. */
  public PostgresStoreProvider() {
    this(System.getenv());
  }

  /** Settings from {@code env} instead of the process's environment. */
  PostgresStoreProvider(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public String name() {
    return "PostgreSQL";
  }

  @Override
  public boolean accepts(String location) {
    return location != null && location.startsWith("jdbc:postgresql:");
  }

  @Override
  public LedgerStore open(String location, LedgerOptions options) {
    return PostgresLedgerStore.open(settings(location), options);
  }

  @Override
  public LedgerStore openReadOnly(String location) {
    return PostgresLedgerStore.openReadOnly(settings(location));
  }

  @Override
  public Verification verify(String location, LongConsumer progress) {
    return PostgresLedgerStore.verify(settings(location), progress);
  }

  private PostgresSettings settings(String location) {
    return PostgresSettings.fromEnvironment(location, env);
  }
}
