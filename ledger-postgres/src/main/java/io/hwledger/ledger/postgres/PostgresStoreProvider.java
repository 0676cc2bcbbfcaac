package io.hwledger.ledger.postgres;

import io.hwledger.ledger.LedgerFollower;
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

  /** For {@link java.util.ServiceLoader}. */
  public PostgresStoreProvider() {}

  @Override
  public String name() {
    return "PostgreSQL";
  }

  @Override
  public boolean accepts(String location) {
    return location != null && location.startsWith("jdbc:postgresql:");
  }

  @Override
  public LedgerStore open(String location, LedgerOptions options, Map<String, String> env) {
    return PostgresLedgerStore.open(PostgresSettings.fromEnvironment(location, env), options);
  }

  @Override
  public LedgerStore openReadOnly(String location, Map<String, String> env) {
    return PostgresLedgerStore.openReadOnly(PostgresSettings.fromEnvironment(location, env));
  }

  @Override
  public LedgerFollower follow(String location, Map<String, String> env) {
    return PostgresFollower.follow(PostgresSettings.fromEnvironment(location, env));
  }

  @Override
  public Verification verify(String location, Map<String, String> env, LongConsumer progress) {
    return PostgresLedgerStore.verify(PostgresSettings.fromEnvironment(location, env), progress);
  }
}
