package io.hwledger.traceability;

import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which main classes a test class exercises, as far as its source says cheaply: the project's
 * classes it imports, and those of its own package (or a wildcard-imported one) it names.
 */
final class MainClassIndex {
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");
  private static final Pattern IMPORT =
      Pattern.compile("(?m)^import\\s+(static\\s+)?([\\w.]+?)(\\.\\*)?\\s*;");
  private static final Pattern WORD = Pattern.compile("\\b[A-Z]\\w*\\b");

  private final Set<String> mainClasses;
  private final Map<String, Path> testSources;

  private MainClassIndex(Set<String> mainClasses, Map<String, Path> testSources) {
    this.mainClasses = mainClasses;
    this.testSources = testSources;
  }

  /** Indexes {@code src/main/java} and {@code src/test/java} of every module under root. */
  static MainClassIndex of(Path root) throws IOException {
    Set<String> main = new HashSet<>();
    Map<String, Path> tests = new HashMap<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : (Iterable<Path>) modules.sorted()::iterator) {
        index(module.resolve("src/main/java"), (name, file) -> main.add(name));
        index(module.resolve("src/test/java"), tests::put);
      }
    }
    main.remove(Verifies.class.getName()); // every test names it: it says nothing
    return new MainClassIndex(main, tests);
  }

  private static void index(Path sourceRoot, BiConsumer<String, Path> sink) throws IOException {
    if (!Files.isDirectory(sourceRoot)) {
      return;
    }
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = sourceRoot.relativize(file).toString();
        if (name.endsWith(".java") && !name.endsWith("-info.java")) {
          sink.accept(
              name.substring(0, name.length() - ".java".length())
                  .replace(file.getFileSystem().getSeparator(), "."),
              file);
        }
      }
    }
  }

  /** Main classes the test class's source imports or names, in name order; empty without one. */
  Set<String> exercisedBy(String testClassName) throws IOException {
    Path source = testSources.get(testClassName);
    if (source == null) {
      return Set.of();
    }
    String text = Files.readString(source, StandardCharsets.UTF_8);
    Set<String> packages = new HashSet<>();
    Matcher pkg = PACKAGE.matcher(text);
    if (pkg.find()) {
      packages.add(pkg.group(1));
    }
    Set<String> found = new TreeSet<>();
    Matcher imports = IMPORT.matcher(text);
    while (imports.find()) {
      String target = imports.group(2);
      if (imports.group(3) != null) {
        packages.add(target);
      } else {
        enclosingMainClass(target).ifPresent(found::add);
      }
    }
    Matcher words = WORD.matcher(text);
    while (words.find()) {
      for (String p : packages) {
        if (mainClasses.contains(p + "." + words.group())) {
          found.add(p + "." + words.group());
        }
      }
    }
    return found;
  }

  /** The main class an import names: itself, or for a member or static import the class above. */
  private Optional<String> enclosingMainClass(String name) {
    for (String n = name; n.indexOf('.') > 0; n = n.substring(0, n.lastIndexOf('.'))) {
      if (mainClasses.contains(n)) {
        return Optional.of(n);
      }
    }
    return Optional.empty();
  }
}
