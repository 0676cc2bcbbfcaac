package io.hwledger.testpostgres;

import java.nio.file.Path;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL server of a test JVM, shared by its tests: each test (or class) takes a fresh
 * database with {@link #newDatabase()}, so tests stay independent while the server starts once.
 *
 * <p>By default the server is an {@link EmbeddedPostgres} in the module's {@code
 * target/embedded-pg}, started by the first call and stopped by a shutdown hook. When the
 * environment has {@code HWLEDGER_TEST_JDBC_URL} ({@code jdbc:postgresql://HOST[:PORT]/DATABASE}, a
 * database the user may connect to), {@code HWLEDGER_TEST_JDBC_USER} and {@code
 * HWLEDGER_TEST_JDBC_PASSWORD}, the databases are made on that server instead (the user needs
 * {@code CREATEDB}) and dropped at exit; that server cannot be restarted, so a test that needs
 * {@link #restart()} starts with {@code assumeTrue(TestPostgres.canRestart())}. Thread-safe.
 */
public final class TestPostgres {
  private static final Object LOCK = new Object();
  private static @Nullable SharedServer server;

  private TestPostgres() {}

  /**
   * Makes a new, empty database with a unique name (C locale, UTF-8), reached as the server's admin
   * user.
   *
   * @return its URL and credentials
   * @throws SQLException when the server refuses to make it
   * @throws IllegalStateException when the embedded server cannot start, or the environment names
   *     an external server incompletely
   */
  public static TestDatabase newDatabase() throws SQLException {
    return server().newDatabase();
  }

  /**
   * Whether {@link #restart()} and {@link #stopImmediatelyAndStart()} are available: the server is
   * the embedded one, not the external one {@code HWLEDGER_TEST_JDBC_URL} names.
   *
   * @return true for the embedded server
   */
  public static boolean canRestart() {
    return !SharedServer.isExternal(System.getenv());
  }

  /**
   * Restarts the shared server cleanly (every session of every database is closed), on the same
   * port with the same data.
   *
   * @throws IllegalStateException when the server is external, or does not come back
   */
  public static void restart() {
    server().embedded().restart();
  }

  /**
   * Stops the shared server as a crash would ({@code -m immediate}) and starts it again; committed
   * transactions survive through WAL recovery.
   *
   * @throws IllegalStateException when the server is external, or does not come back
   */
  public static void stopImmediatelyAndStart() {
    server().embedded().stopImmediatelyAndStart();
  }

  /**
   * Terminates ({@code pg_terminate_backend}) the sessions on {@code db}'s database, other than the
   * caller's, for tests of a lost connection; waits up to 10 s until they are gone.
   *
   * @param db the database whose sessions end
   * @param applicationName only the sessions with this {@code application_name} (see {@link
   *     TestDatabase#connect(String)}), or null for all
   * @return how many sessions were terminated
   * @throws SQLException when the server refuses (an external user needs the right to signal those
   *     sessions)
   */
  public static int terminateConnections(TestDatabase db, @Nullable String applicationName)
      throws SQLException {
    return server().terminateConnections(db, applicationName);
  }

  private static SharedServer server() {
    synchronized (LOCK) {
      if (server == null) {
        SharedServer started =
            SharedServer.fromEnvironment(
                System.getenv(), () -> EmbeddedPostgres.start(Path.of("target", "embedded-pg")));
        Runtime.getRuntime().addShutdownHook(new Thread(started::close, "test-postgres-stop"));
        server = started;
      }
      return server;
    }
  }
}
