package io.hwledger.ledger.postgres;

import io.hwledger.ledger.LedgerException;
import io.hwledger.ledger.LedgerStores;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How to reach a PostgreSQL ledger: the JDBC URL, the role, its password, the schema that holds the
 * ledger's tables, and the size of the reading pool. The password never appears in {@link
 * #toString()} or in any message; a URL that carries one is refused, so that drivers, pools and
 * migration tools can log the URL safely.
 *
 * @param url a {@code jdbc:postgresql:} URL without a password
 * @param user the role to connect as, or null for the driver's default
 * @param password the role's password, or null (trust, peer or a {@code .pgpass} file)
 * @param schema the schema of the ledger's tables: lower-case letters, digits and underscores
 * @param poolSize connections for reads, 1 to 64
 */
public record PostgresSettings(
    String url, String user, String password, String schema, int poolSize) {

  /** The schema when none is given. */
  public static final String DEFAULT_SCHEMA = "hwledger";

  /** Reading connections when none are given. */
  public static final int DEFAULT_POOL_SIZE = 4;

  /** Environment: the role. */
  public static final String ENV_USER = "HWLEDGER_DB_USER";

  /** Environment: the password. */
  public static final String ENV_PASSWORD = "HWLEDGER_DB_PASSWORD";

  /** Environment: the schema. */
  public static final String ENV_SCHEMA = "HWLEDGER_DB_SCHEMA";

  /** Environment: a properties file with {@code user}, {@code password}, {@code schema}. */
  public static final String ENV_CONFIG = "HWLEDGER_DB_CONFIG";

  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Pattern PASSWORD_IN_URL =
      Pattern.compile("(?i)([?&;]password=)|(//[^/@?]*:[^/@?]*@)");

  /**
   * Validates.
   *
   * @param url a {@code jdbc:postgresql:} URL without a password
   * @param user the role, or null
   * @param password the password, or null
   * @param schema the schema of the ledger's tables
   * @param poolSize connections for reads, 1 to 64
   * @throws IllegalArgumentException naming what is wrong (never the password)
   */
  public PostgresSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(schema, "schema");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "not a PostgreSQL JDBC URL: "
              + LedgerStores.redact(url)
              + " (expected jdbc:postgresql:)");
    }
    if (PASSWORD_IN_URL.matcher(url).find()) {
      throw new IllegalArgumentException(
          "the URL "
              + LedgerStores.redact(url)
              + " carries a password; give it in "
              + ENV_PASSWORD
              + " or the "
              + ENV_CONFIG
              + " file instead");
    }
    if (!SCHEMA.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "schema '"
              + schema
              + "' must be 1 to 63 lower-case letters, digits or underscores, not starting with a"
              + " digit");
    }
    if (poolSize < 1 || poolSize > 64) {
      throw new IllegalArgumentException("pool size must be 1 to 64, was " + poolSize);
    }
  }

  /**
   * Settings for {@code url} with the default schema and pool, no role and no password.
   *
   * @param url a {@code jdbc:postgresql:} URL without a password
   * @return the settings
   */
  public static PostgresSettings of(String url) {
    return new PostgresSettings(url, null, null, DEFAULT_SCHEMA, DEFAULT_POOL_SIZE);
  }

  /**
   * Settings for {@code url} from a configuration file and the environment: the file named by
   * {@value #ENV_CONFIG} (a properties file with {@code user}, {@code password}, {@code schema},
   * {@code poolSize}; refused when it holds a password and others may read it), then {@value
   * #ENV_USER}, {@value #ENV_PASSWORD} and {@value #ENV_SCHEMA}, which take precedence.
   *
   * @param url a {@code jdbc:postgresql:} URL without a password
   * @param env the environment, usually {@code System.getenv()}
   * @return the settings
   * @throws LedgerException if the configuration file cannot be read or is readable by others while
   *     holding a password
   * @throws IllegalArgumentException if a value is invalid
   */
  public static PostgresSettings fromEnvironment(String url, Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    Properties file = new Properties();
    String config = env.get(ENV_CONFIG);
    if (config != null && !config.isBlank()) {
      file = readConfig(Path.of(config));
    }
    String user = env.getOrDefault(ENV_USER, file.getProperty("user"));
    String password = env.getOrDefault(ENV_PASSWORD, file.getProperty("password"));
    String schema =
        env.getOrDefault(ENV_SCHEMA, file.getProperty("schema", DEFAULT_SCHEMA))
            .toLowerCase(Locale.ROOT);
    String pool = file.getProperty("poolSize", Integer.toString(DEFAULT_POOL_SIZE)).trim();
    int poolSize;
    try {
      poolSize = Integer.parseInt(pool);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("poolSize in " + config + " is not a number: " + pool, e);
    }
    return new PostgresSettings(url, user, password, schema, poolSize);
  }

  /**
   * These settings with another role and password.
   *
   * @param user the role, or null
   * @param password the password, or null
   * @return new settings
   */
  public PostgresSettings withCredentials(String user, String password) {
    return new PostgresSettings(url, user, password, schema, poolSize);
  }

  /**
   * These settings with another URL.
   *
   * @param url a {@code jdbc:postgresql:} URL without a password
   * @return new settings
   */
  public PostgresSettings withUrl(String url) {
    return new PostgresSettings(url, user, password, schema, poolSize);
  }

  /**
   * These settings with another schema.
   *
   * @param schema the schema of the ledger's tables
   * @return new settings
   */
  public PostgresSettings withSchema(String schema) {
    return new PostgresSettings(url, user, password, schema, poolSize);
  }

  /**
   * The ledger's location for messages: the URL without user information or query, and the schema.
   *
   * @return e.g. {@code jdbc:postgresql://db.example/fleet (schema hwledger)}
   */
  public String location() {
    return LedgerStores.redact(url) + " (schema " + schema + ")";
  }

  /**
   * The settings without the password.
   *
   * @return a description safe to log
   */
  @Override
  public String toString() {
    return "PostgresSettings["
        + location()
        + ", user "
        + user
        + ", password "
        + (password == null ? "none" : "***")
        + ", pool "
        + poolSize
        + "]";
  }

  private static Properties readConfig(Path file) {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new LedgerException(
          "cannot read the database settings file " + file + ": " + e.getMessage(), e);
    }
    if (p.getProperty("password") != null && readableByOthers(file)) {
      throw new LedgerException(
          "the database settings file "
              + file
              + " holds a password and is readable by group or others; chmod 600 it");
    }
    return p;
  }

  private static boolean readableByOthers(Path file) {
    try {
      Set<PosixFilePermission> perms =
          Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
      return perms.contains(PosixFilePermission.GROUP_READ)
          || perms.contains(PosixFilePermission.OTHERS_READ);
    } catch (UnsupportedOperationException e) {
      return false; // not a POSIX file system: nothing to check
    } catch (IOException e) {
      throw new LedgerException(
          "cannot read the permissions of " + file + ": " + e.getMessage(), e);
    }
  }
}
