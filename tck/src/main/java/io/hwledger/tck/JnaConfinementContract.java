package io.hwledger.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * ADR 0006's rule for a backend that binds a native library with JNA: only classes in a package
 * named {@code jna} (such as {@code io.hwledger.nvidia.jna}) refer to JNA, so that parsing, units,
 * error mapping and the session lifecycle stay plain Java, testable without the library.
 *
 * <p>A backend's test class extends this and names one class of its main code; the check reads the
 * compiled classes of that class's package and the packages under it, from the directory or jar the
 * class was loaded from. A class outside a {@code jna} package fails it by referring to a type in
 * {@code com.sun.jna} or below, or to a type in a {@code jna} package that extends one (a JNA
 * {@code Library} interface or {@code Structure}): so a call through a binding interface fails it
 * even when no JNA type appears in the call. References are read from each class file's constant
 * pool, so they include types never named in an import (inferred or fully qualified ones).
 */
public abstract class JnaConfinementContract {
  /** For the test class that extends this contract; JUnit constructs it. */
  protected JnaConfinementContract() {}

  /**
   * A class of the backend's main code; its package and the packages under it are checked.
   *
   * @return a main class in the backend's top package, e.g. its provider
   */
  protected abstract Class<?> backendClass();

  /**
   * No class outside a {@code jna} package refers to JNA.
   *
   * @throws IOException if a class file or the jar holding them cannot be read
   */
  @Test
  @DisplayName("only classes in a jna package refer to JNA types or JNA-bound interfaces")
  public void jnaStaysInJnaPackages() throws IOException {
    Class<?> anchor = backendClass();
    List<String> violations = new ArrayList<>();
    int read = scan(anchor, violations);
    assertThat(read)
        .as("class files read under %s (is %s a main class?)", anchor.getPackageName(), anchor)
        .isPositive();
    assertThat(violations)
        .as("classes outside a jna package that refer to JNA (ADR 0006)")
        .isEmpty();
  }

  /** Checks every class under the anchor's package; returns how many class files it read. */
  private static int scan(Class<?> anchor, List<String> violations) throws IOException {
    Path location = location(anchor);
    String packagePath = anchor.getPackageName().replace('.', '/');
    if (Files.isDirectory(location)) {
      return scan(location, location.resolve(packagePath), anchor.getClassLoader(), violations);
    }
    try (FileSystem jar = FileSystems.newFileSystem(location)) {
      Path root = jar.getPath("/");
      return scan(root, root.resolve(packagePath), anchor.getClassLoader(), violations);
    }
  }

  private static int scan(Path root, Path dir, ClassLoader loader, List<String> violations)
      throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    List<Path> classFiles;
    try (Stream<Path> files = Files.walk(dir)) {
      classFiles =
          files
              .filter(f -> Objects.toString(f.getFileName(), "").endsWith(".class"))
              .filter(f -> !Objects.toString(f.getFileName(), "").equals("module-info.class"))
              .sorted()
              .toList();
    }
    for (Path file : classFiles) {
      String relative = root.relativize(file).toString().replace('\\', '/');
      String name = relative.substring(0, relative.length() - ".class".length());
      if (inJnaPackage(name)) {
        continue;
      }
      Set<String> references;
      try (InputStream in = Files.newInputStream(file)) {
        references = ClassReferences.of(in);
      }
      for (String reference : references) {
        why(reference, loader)
            .ifPresent(
                why -> violations.add(binary(name) + " refers to " + binary(reference) + why));
      }
    }
    return classFiles.size();
  }

  /** Why a reference to {@code name} is a reference to JNA, if it is one. */
  private static Optional<String> why(String name, ClassLoader loader) {
    if (name.startsWith("com/sun/jna/")) {
      return Optional.of("");
    }
    if (!inJnaPackage(name)) {
      return Optional.empty();
    }
    Class<?> type;
    try {
      type = Class.forName(binary(name), false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return Optional.of(", which cannot be loaded to check it (" + e + ")");
    }
    return jnaSupertype(type).map(s -> ", a JNA type (" + s.getName() + ")");
  }

  private static Optional<Class<?>> jnaSupertype(Class<?> type) {
    Set<Class<?>> seen = new HashSet<>();
    List<Class<?>> queue = new ArrayList<>(List.of(type));
    while (!queue.isEmpty()) {
      Class<?> t = queue.remove(queue.size() - 1);
      if (!seen.add(t)) {
        continue;
      }
      if (t != type && t.getName().startsWith("com.sun.jna.")) {
        return Optional.of(t);
      }
      if (t.getSuperclass() != null) {
        queue.add(t.getSuperclass());
      }
      queue.addAll(Arrays.asList(t.getInterfaces()));
    }
    return Optional.empty();
  }

  /** Whether the class (internal name) is in a package named {@code jna} or one under it. */
  private static boolean inJnaPackage(String internalName) {
    int slash = internalName.lastIndexOf('/');
    return slash > 0
        && Arrays.asList(internalName.substring(0, slash).split("/", -1)).contains("jna");
  }

  private static String binary(String internalName) {
    return internalName.replace('/', '.');
  }

  private static Path location(Class<?> anchor) {
    CodeSource source = anchor.getProtectionDomain().getCodeSource();
    if (source == null) {
      throw new IllegalArgumentException(anchor + " has no code source to read");
    }
    try {
      return Path.of(source.getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(anchor + ": " + source.getLocation(), e);
    }
  }
}
