package io.hwledger.testpostgres;

/**
 * PostgreSQL JDBC URLs of the form {@code jdbc:postgresql://HOST[:PORT][,…]/DATABASE[?…]}: host,
 * database and parameters, split without a regular expression.
 */
final class JdbcUrl {
  private static final String SCHEME = "jdbc:postgresql://";

  private final String hosts;
  private final String database;
  private final String parameters;

  private JdbcUrl(String hosts, String database, String parameters) {
    this.hosts = hosts;
    this.database = database;
    this.parameters = parameters;
  }

  /** The URL of a database on 127.0.0.1. */
  static String loopback(int port, String database) {
    return SCHEME + "127.0.0.1:" + port + "/" + database;
  }

  /** The database {@code url} names. */
  static String database(String url) {
    return parse(url).database;
  }

  /** {@code url} with its database replaced by {@code database}, parameters kept. */
  static String withDatabase(String url, String database) {
    JdbcUrl u = parse(url);
    return SCHEME + u.hosts + "/" + database + u.parameters;
  }

  /**
   * Checks {@code url}'s form.
   *
   * @throws IllegalArgumentException naming the expected form
   */
  static void check(String url) {
    parse(url);
  }

  private static JdbcUrl parse(String url) {
    if (url.startsWith(SCHEME)
        && url.chars().noneMatch(c -> Character.isWhitespace(c) || c == '#')) {
      String rest = url.substring(SCHEME.length());
      int query = rest.indexOf('?');
      String path = query < 0 ? rest : rest.substring(0, query);
      int slash = path.indexOf('/');
      if (slash > 0 && slash < path.length() - 1 && path.indexOf('/', slash + 1) < 0) {
        return new JdbcUrl(
            path.substring(0, slash),
            path.substring(slash + 1),
            query < 0 ? "" : rest.substring(query));
      }
    }
    throw new IllegalArgumentException(
        "not a PostgreSQL JDBC URL of the form jdbc:postgresql://HOST[:PORT]/DATABASE[?…]: "
            + url.lines().findFirst().orElse(""));
  }
}
