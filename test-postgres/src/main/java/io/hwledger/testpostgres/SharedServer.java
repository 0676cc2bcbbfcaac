package io.hwledger.testpostgres;

import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The server a test JVM's databases live on: an {@link EmbeddedPostgres} it owns, or an external
 * server reached through an admin database. Thread-safe.
 */
final class SharedServer implements AutoCloseable {
  static final String URL_VARIABLE = "HWLEDGER_TEST_JDBC_URL";
  static final String USER_VARIABLE = "HWLEDGER_TEST_JDBC_USER";
  static final String PASSWORD_VARIABLE = "HWLEDGER_TEST_JDBC_PASSWORD";

  private static final long TERMINATE_WAIT_MILLIS = 10_000;
  private static final long TERMINATE_POLL_MILLIS = 20;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final TestDatabase admin;
  private final @Nullable EmbeddedPostgres embedded;
  private final List<String> created = new ArrayList<>();

  private SharedServer(TestDatabase admin, @Nullable EmbeddedPostgres embedded) {
    this.admin = admin;
    this.embedded = embedded;
  }

  /** Whether {@code env} names an external server. */
  static boolean isExternal(Map<String, String> env) {
    return env.get(URL_VARIABLE) != null;
  }

  /**
   * The external server {@code env} names, or an embedded one from {@code starter}.
   *
   * @throws IllegalStateException when {@code env} names a URL without a user or password, or a URL
   *     of the wrong form
   */
  static SharedServer fromEnvironment(Map<String, String> env, Supplier<EmbeddedPostgres> starter) {
    String url = env.get(URL_VARIABLE);
    if (url == null) {
      return embedded(starter.get());
    }
    for (String name : List.of(USER_VARIABLE, PASSWORD_VARIABLE)) {
      if (env.get(name) == null) {
        throw new IllegalStateException(URL_VARIABLE + " is set but " + name + " is not");
      }
    }
    try {
      return external(new TestDatabase(url, env.get(USER_VARIABLE), env.get(PASSWORD_VARIABLE)));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(URL_VARIABLE + ": " + e.getMessage(), e);
    }
  }

  /** A server this object owns; {@link #close()} closes it. */
  static SharedServer embedded(EmbeddedPostgres pg) {
    return new SharedServer(pg.database(EmbeddedPostgres.SUPERUSER), pg);
  }

  /**
   * An external server; {@code admin} names a database the user may connect to, and the user may
   * create databases. {@link #close()} drops the databases made here.
   */
  static SharedServer external(TestDatabase admin) {
    return new SharedServer(admin, null);
  }

  /** A new database with a unique name ({@code hwtest_} and 16 hex digits), C locale, UTF-8. */
  TestDatabase newDatabase() throws SQLException {
    String name = "hwtest_" + HexFormat.of().formatHex(randomBytes(8));
    try (Connection c = admin.connect("hwledger-test-admin");
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE DATABASE "
              + name
              + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
    }
    synchronized (created) {
      created.add(name);
    }
    return new TestDatabase(
        JdbcUrl.withDatabase(admin.jdbcUrl(), name), admin.user(), admin.password());
  }

  /** Whether the server can be restarted: it is the embedded one. */
  boolean canRestart() {
    return embedded != null;
  }

  /**
   * The embedded server.
   *
   * @throws IllegalStateException when the server is external
   */
  EmbeddedPostgres embedded() {
    if (embedded == null) {
      throw new IllegalStateException(
          "the tests use the external PostgreSQL named by "
              + URL_VARIABLE
              + ", which they cannot restart (a test that needs to calls"
              + " assumeTrue(TestPostgres.canRestart()))");
    }
    return embedded;
  }

  /**
   * Terminates the other sessions on {@code db}'s database, those named {@code applicationName}
   * only unless it is null, and waits (at most 10 s) until the server lists them no more.
   *
   * @return how many sessions were terminated
   */
  int terminateConnections(TestDatabase db, @Nullable String applicationName) throws SQLException {
    Objects.requireNonNull(db, "db");
    try (Connection c = admin.connect("hwledger-test-admin")) {
      List<Integer> pids = new ArrayList<>();
      try (PreparedStatement find =
          c.prepareStatement(
              "SELECT pid FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()"
                  + " AND (CAST(? AS text) IS NULL OR application_name = ?)")) {
        find.setString(1, db.databaseName());
        find.setString(2, applicationName);
        find.setString(3, applicationName);
        try (ResultSet r = find.executeQuery()) {
          while (r.next()) {
            pids.add(r.getInt(1));
          }
        }
      }
      if (pids.isEmpty()) {
        return 0;
      }
      Array array = c.createArrayOf("int4", pids.toArray());
      try (PreparedStatement kill =
              c.prepareStatement(
                  "SELECT count(*) FROM (SELECT pg_terminate_backend(p) FROM unnest(?) AS p) t");
          PreparedStatement left =
              c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(?)")) {
        kill.setArray(1, array);
        kill.executeQuery().close();
        left.setArray(1, array);
        long deadline = System.nanoTime() + TERMINATE_WAIT_MILLIS * 1_000_000;
        while (count(left) > 0) {
          if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException(
                "sessions " + pids + " on " + db.databaseName() + " still there after 10 s");
          }
          sleep();
        }
      }
      return pids.size();
    }
  }

  /** Closes the embedded server, or drops the databases made on the external one. */
  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
      return;
    }
    List<String> names;
    synchronized (created) {
      names = List.copyOf(created);
      created.clear();
    }
    try (Connection c = admin.connect("hwledger-test-admin");
        Statement s = c.createStatement()) {
      for (String name : names) {
        s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot drop the test databases "
              + names
              + " on "
              + admin.jdbcUrl()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public String toString() {
    return embedded != null ? embedded.toString() : "external PostgreSQL " + admin;
  }

  private static long count(PreparedStatement query) throws SQLException {
    try (ResultSet r = query.executeQuery()) {
      r.next();
      return r.getLong(1);
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(TERMINATE_POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(
          new InterruptedIOException("interrupted terminating sessions"));
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
