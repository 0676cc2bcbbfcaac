package io.hwledger.testpostgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

/**
 * A database a test may use, with the credentials to reach it. Its {@link #toString()} leaves the
 * password out.
 *
 * @param jdbcUrl {@code jdbc:postgresql://HOST[:PORT]/DATABASE[?…]}
 * @param user the role to connect as
 * @param password that role's password
 */
public record TestDatabase(String jdbcUrl, String user, String password) {
  /** Seconds a connection attempt may take, for the TCP connection and for the login each. */
  private static final String CONNECT_SECONDS = "10";

  /**
   * Checks the arguments.
   *
   * @throws IllegalArgumentException when {@code jdbcUrl} is not a PostgreSQL JDBC URL naming a
   *     database
   */
  public TestDatabase {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    JdbcUrl.check(jdbcUrl);
  }

  /**
   * The database's name, from {@link #jdbcUrl()}.
   *
   * @return the name
   */
  public String databaseName() {
    return JdbcUrl.database(jdbcUrl);
  }

  /**
   * Opens a new connection.
   *
   * @return the connection, in auto-commit mode
   * @throws SQLException when the server refuses or cannot be reached within 10 s
   */
  public Connection connect() throws SQLException {
    return connect("hwledger-test");
  }

  /**
   * Opens a new connection that the server lists under {@code applicationName} (so that {@link
   * TestPostgres#terminateConnections} can pick it out).
   *
   * @param applicationName the session's {@code application_name}
   * @return the connection, in auto-commit mode
   * @throws SQLException when the server refuses or cannot be reached within 10 s
   */
  public Connection connect(String applicationName) throws SQLException {
    Objects.requireNonNull(applicationName, "applicationName");
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("ApplicationName", applicationName);
    p.setProperty("connectTimeout", CONNECT_SECONDS);
    p.setProperty("loginTimeout", CONNECT_SECONDS);
    return DriverManager.getConnection(jdbcUrl, p);
  }

  /** The URL and user, never the password. */
  @Override
  public String toString() {
    return "TestDatabase[jdbcUrl=" + jdbcUrl + ", user=" + user + "]";
  }
}
