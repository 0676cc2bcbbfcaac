package io.hwledger.ledger;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/**
 * Opens a {@link LedgerStore} by location: a directory path opens the embedded {@link Ledger}; any
 * other location (such as {@code jdbc:postgresql://db.example/fleet}) opens through the {@link
 * LedgerStoreProvider} on the class or module path that accepts it.
 */
public final class LedgerStores {

  /** A URL scheme of two or more characters, so that a Windows drive letter stays a path. */
  private static final Pattern URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*", Pattern.DOTALL);

  private LedgerStores() {}

  /**
   * Opens the store at {@code location} for writing, creating it when needed.
   *
   * @param location a directory, or a URL a provider accepts
   * @param options the clock, durability, segment size and largest batch
   * @return the store, holding the writer's claim until closed
   * @throws LedgerException if no provider accepts a URL, or as {@link Ledger#open(Path,
   *     LedgerOptions)} and {@link LedgerStoreProvider#open}
   */
  public static LedgerStore open(String location, LedgerOptions options) {
    return open(location, options, System.getenv());
  }

  /**
   * {@link #open(String, LedgerOptions)} with connection settings read from {@code env} instead of
   * the process's environment.
   *
   * @param location a directory, or a URL a provider accepts
   * @param options the clock, durability, segment size and largest batch
   * @param env the environment a provider reads its settings from
   * @return the store, holding the writer's claim until closed
   */
  public static LedgerStore open(String location, LedgerOptions options, Map<String, String> env) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(env, "env");
    return isUrl(location)
        ? provider(location).open(location, options, env)
        : Ledger.open(path(location), options);
  }

  /**
   * Opens the store at {@code location} for reading only.
   *
   * @param location a directory, or a URL a provider accepts
   * @return the store; appends fail
   * @throws LedgerException if no provider accepts a URL, or the store holds no ledger
   */
  public static LedgerStore openReadOnly(String location) {
    return openReadOnly(location, System.getenv());
  }

  /**
   * {@link #openReadOnly(String)} with connection settings read from {@code env}.
   *
   * @param location a directory, or a URL a provider accepts
   * @param env the environment a provider reads its settings from
   * @return the store; appends fail
   */
  public static LedgerStore openReadOnly(String location, Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    return isUrl(location)
        ? provider(location).openReadOnly(location, env)
        : Ledger.openReadOnly(path(location));
  }

  /**
   * Follows the store at {@code location} as another process writes it.
   *
   * @param location a directory, or a URL a provider accepts
   * @param env the environment a provider reads its settings from
   * @return a follower at the records acknowledged now
   * @throws LedgerException if no provider accepts a URL, or the store holds no ledger
   */
  public static LedgerFollower follow(String location, Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    return isUrl(location)
        ? provider(location).follow(location, env)
        : new DirectoryFollower(path(location));
  }

  /**
   * Verifies the store at {@code location} from its records.
   *
   * @param location a directory, or a URL a provider accepts
   * @param progress receives the number of records verified so far, now and then
   * @return ok with the size and root, or the first bad record and why
   * @throws LedgerException if no provider accepts a URL, or the store cannot be reached
   */
  public static Verification verify(String location, LongConsumer progress) {
    return verify(location, System.getenv(), progress);
  }

  /**
   * {@link #verify(String, LongConsumer)} with connection settings read from {@code env}.
   *
   * @param location a directory, or a URL a provider accepts
   * @param env the environment a provider reads its settings from
   * @param progress receives the number of records verified so far, now and then
   * @return ok with the size and root, or the first bad record and why
   */
  public static Verification verify(
      String location, Map<String, String> env, LongConsumer progress) {
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(progress, "progress");
    return isUrl(location)
        ? provider(location).verify(location, env, progress)
        : Ledger.verify(path(location), progress);
  }

  /**
   * Whether {@code location} names a store through a URL rather than a directory: it starts with a
   * scheme of two or more characters and is not the name of something that exists (a directory
   * called {@code ab:c} stays a directory).
   *
   * @param location a store location
   * @return true for a URL such as {@code jdbc:postgresql://host/db}
   */
  public static boolean isUrl(String location) {
    if (!URL.matcher(Objects.requireNonNull(location, "location")).matches()) {
      return false;
    }
    try {
      return !Files.exists(Path.of(location));
    } catch (InvalidPathException e) {
      return true; // not a path this system can name
    }
  }

  /**
   * {@code location} without what may be secret: a URL loses its user information and its query
   * parameters ({@code jdbc:postgresql://u:pw@host/db?password=x} becomes {@code
   * jdbc:postgresql://host/db}); a directory is returned as it is.
   *
   * @param location a store location
   * @return a description safe to print and log
   */
  public static String redact(String location) {
    if (!isUrl(location)) {
      return location;
    }
    String out = location;
    int query = out.indexOf('?');
    if (query >= 0) {
      out = out.substring(0, query);
    }
    int authority = out.indexOf("//");
    if (authority >= 0) {
      int slash = out.indexOf('/', authority + 2);
      int end = slash < 0 ? out.length() : slash;
      int at = out.lastIndexOf('@', end - 1);
      if (at > authority) {
        out = out.substring(0, authority + 2) + out.substring(at + 1);
      }
    }
    return out;
  }

  private static LedgerStoreProvider provider(String location) {
    for (LedgerStoreProvider p : ServiceLoader.load(LedgerStoreProvider.class)) {
      if (p.accepts(location)) {
        return p;
      }
    }
    throw new LedgerException(
        "no ledger store on the class path opens "
            + redact(location)
            + " (PostgreSQL URLs need hwledger-ledger-postgres)");
  }

  private static Path path(String location) {
    try {
      return Path.of(location);
    } catch (InvalidPathException e) {
      throw new LedgerException("not a ledger directory: " + e.getMessage(), e);
    }
  }
}
