package io.hwledger.cloud;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Where each source's API key and base URI come from: the environment variable the provider's own
 * tools read ({@link PriceSource#apiKeyVariable()}, e.g. {@code VAST_API_KEY}) first, then a
 * properties file ({@code ID.apiKey}, {@code ID.baseUri}; by default {@code
 * ~/.config/hwledger/cloud.properties}). Keys are held as {@link ApiKey}s and never printed.
 */
public final class CloudSettings {
  private final Map<String, String> environment;
  private final Map<String, String> file;

  private CloudSettings(Map<String, String> environment, Map<String, String> file) {
    this.environment = Map.copyOf(environment);
    this.file = Map.copyOf(file);
  }

  /**
   * No keys, default base URIs: every source without a key uses its snapshot.
   *
   * @return empty settings
   */
  public static CloudSettings none() {
    return new CloudSettings(Map.of(), Map.of());
  }

  /**
   * From an environment and an optional properties file.
   *
   * @param environment variables, e.g. {@link System#getenv()}
   * @param propertiesFile the file; a missing file is no settings, not an error
   * @return the settings
   * @throws IllegalArgumentException if the file exists but cannot be read or parsed (the message
   *     names the file, never a value)
   */
  public static CloudSettings of(Map<String, String> environment, Optional<Path> propertiesFile) {
    Objects.requireNonNull(environment, "environment");
    Map<String, String> values = new HashMap<>();
    if (propertiesFile.isPresent()) {
      Path path = propertiesFile.get();
      Properties properties = new Properties();
      try (InputStream in = Files.newInputStream(path)) {
        properties.load(in);
      } catch (NoSuchFileException e) {
        return new CloudSettings(environment, Map.of());
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException("cannot read cloud settings file " + path, e);
      }
      properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
    }
    return new CloudSettings(environment, values);
  }

  /**
   * The default settings file: {@code $XDG_CONFIG_HOME/hwledger/cloud.properties}, or under {@code
   * ~/.config} when that variable is unset.
   *
   * @param environment variables
   * @return the path (it may not exist)
   */
  public static Path defaultFile(Map<String, String> environment) {
    String xdg = environment.get("XDG_CONFIG_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".config");
    return base.resolve("hwledger").resolve("cloud.properties");
  }

  /**
   * The key for {@code source}: its environment variable, else {@code ID.apiKey} in the file.
   *
   * @param source the source
   * @return the key, or empty
   * @throws IllegalArgumentException if the configured value is not a usable key (the message names
   *     where it came from, not the value)
   */
  public Optional<ApiKey> apiKey(PriceSource source) {
    Optional<String> variable = source.apiKeyVariable();
    if (variable.isPresent()) {
      String value = environment.get(variable.get());
      if (value != null && !value.isBlank()) {
        return Optional.of(key(value, variable.get()));
      }
    }
    String value = file.get(source.id() + ".apiKey");
    return value == null || value.isBlank()
        ? Optional.empty()
        : Optional.of(key(value, source.id() + ".apiKey"));
  }

  /**
   * The base URI for {@code source}: {@code ID.baseUri} in the file, else its default.
   *
   * @param source the source
   * @return an absolute http(s) URI
   * @throws IllegalArgumentException if the configured value is not one
   */
  public URI baseUri(PriceSource source) {
    String value = file.get(source.id() + ".baseUri");
    if (value == null || value.isBlank()) {
      return source.defaultBaseUri();
    }
    try {
      URI uri = new URI(value.strip());
      if (!uri.isAbsolute()
          || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
        throw new IllegalArgumentException(
            source.id() + ".baseUri must be an absolute http(s) URI");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(source.id() + ".baseUri is not a URI", e);
    }
  }

  /**
   * These settings with {@code ID.baseUri} set (tests point a source at a loopback server).
   *
   * @param sourceId the source
   * @param baseUri the URI
   * @return new settings
   */
  public CloudSettings withBaseUri(String sourceId, URI baseUri) {
    Map<String, String> values = new HashMap<>(file);
    values.put(sourceId + ".baseUri", baseUri.toString());
    return new CloudSettings(environment, values);
  }

  /**
   * These settings with {@code ID.apiKey} set.
   *
   * @param sourceId the source
   * @param key the key
   * @return new settings
   */
  public CloudSettings withApiKey(String sourceId, ApiKey key) {
    Map<String, String> values = new HashMap<>(file);
    values.put(sourceId + ".apiKey", key.reveal());
    return new CloudSettings(environment, values);
  }

  private static ApiKey key(String value, String where) {
    try {
      return ApiKey.of(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the API key in " + where + " is unusable: " + e.getMessage(), e);
    }
  }

  /** Never a key. */
  @Override
  public String toString() {
    return "CloudSettings[" + file.keySet().size() + " file settings]";
  }
}
