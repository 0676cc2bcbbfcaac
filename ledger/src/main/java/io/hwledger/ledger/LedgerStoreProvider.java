package io.hwledger.ledger;

import java.util.Map;
import java.util.function.LongConsumer;

/**
 * A kind of {@link LedgerStore} other than the embedded directory, found through {@link
 * java.util.ServiceLoader}: {@link LedgerStores} asks each provider whether it accepts a location
 * (for example a {@code jdbc:postgresql:} URL) and opens the store through the first that does.
 *
 * <p>Implementations keep the records' bytes and hashes exactly as {@link RecordChain} seals them,
 * and never put credentials in messages or logs.
 */
public interface LedgerStoreProvider {

  /**
   * The store's name for messages, such as {@code PostgreSQL}.
   *
   * @return a short name
   */
  String name();

  /**
   * Whether this provider opens {@code location}.
   *
   * @param location a store location as the user gave it
   * @return true if {@link #open} understands it
   */
  boolean accepts(String location);

  /**
   * Opens the store at {@code location} for writing, creating its tables when needed, and takes the
   * single writer's claim.
   *
   * @param location a location this provider accepts
   * @param options the clock, durability and largest batch
   * @param env the environment to read connection settings from, usually {@code System.getenv()}
   * @return the store, holding the writer's claim until closed
   * @throws LedgerException if another writer holds the claim, or the store cannot be reached or is
   *     damaged
   */
  LedgerStore open(String location, LedgerOptions options, Map<String, String> env);

  /**
   * Opens the store at {@code location} for reading only: a snapshot of the records acknowledged
   * when it opened.
   *
   * @param location a location this provider accepts
   * @param env the environment to read connection settings from
   * @return the store; appends fail
   * @throws LedgerException if the store holds no ledger or cannot be reached
   */
  LedgerStore openReadOnly(String location, Map<String, String> env);

  /**
   * Follows the store at {@code location} as another process writes it, woken by its commits where
   * the store can notify.
   *
   * @param location a location this provider accepts
   * @param env the environment to read connection settings from
   * @return a follower at the records acknowledged now
   * @throws LedgerException if the store holds no ledger or cannot be reached
   */
  LedgerFollower follow(String location, Map<String, String> env);

  /**
   * Verifies every record held at {@code location} from its bytes: hashes, chain links, sequence
   * numbers and the stored tree, reporting the first record that is wrong.
   *
   * @param location a location this provider accepts
   * @param env the environment to read connection settings from
   * @param progress receives the number of records verified so far, now and then
   * @return ok with the size and root, or the first bad record and why
   * @throws LedgerException if the store cannot be reached
   */
  Verification verify(String location, Map<String, String> env, LongConsumer progress);
}
