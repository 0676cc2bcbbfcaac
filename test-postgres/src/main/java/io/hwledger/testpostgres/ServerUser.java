package io.hwledger.testpostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Who runs initdb, postgres and pg_ctl: the JVM's own user, or {@code nobody} (uid and gid 65534)
 * through {@code setpriv} when the JVM is root, since PostgreSQL refuses to run as root. The server
 * then also needs its run directory handed over to nobody and every directory above its files
 * searchable by others.
 */
final class ServerUser {
  /** The uid and gid of {@code nobody}, which every Debian-like image has. */
  static final int NOBODY = 65534;

  private final long jvmUid;
  private final @Nullable Path setpriv;

  private ServerUser(long jvmUid, @Nullable Path setpriv) {
    this.jvmUid = jvmUid;
    this.setpriv = setpriv;
  }

  /** This JVM's case, read from {@code /proc/self}, {@code /etc/passwd} and {@code PATH}. */
  static ServerUser detect() {
    try {
      long uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
      return detect(uid, Path.of("/etc/passwd"), System.getenv("PATH"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read this process's uid from /proc/self", e);
    }
  }

  /**
   * The case of a JVM running as {@code jvmUid}.
   *
   * @throws IllegalStateException when the JVM is root and {@code passwd} has no user 65534 or
   *     {@code path} no {@code setpriv}
   */
  static ServerUser detect(long jvmUid, Path passwd, @Nullable String path) {
    Path setpriv = onPath("setpriv", path);
    if (jvmUid != 0) {
      return new ServerUser(jvmUid, setpriv);
    }
    if (!hasUser(passwd, NOBODY)) {
      throw new IllegalStateException(
          "PostgreSQL refuses to run as root and "
              + passwd
              + " has no user "
              + NOBODY
              + " (nobody) to run it as");
    }
    if (setpriv == null) {
      throw new IllegalStateException(
          "PostgreSQL refuses to run as root and setpriv (util-linux) is not on PATH to run it as"
              + " nobody");
    }
    return new ServerUser(jvmUid, setpriv);
  }

  /** Whether the server runs as nobody because the JVM is root. */
  boolean asNobody() {
    return jvmUid == 0;
  }

  /** The uid the server's processes run as. */
  long serverUid() {
    return asNobody() ? NOBODY : jvmUid;
  }

  /**
   * The command line that runs {@code tool} as the server's user.
   *
   * @param dieWithOwner whether the process gets SIGINT (PostgreSQL's fast shutdown) when the
   *     thread that starts it ends, so that a killed JVM leaves no server behind; possible only
   *     where setpriv is
   */
  List<String> command(List<String> tool, boolean dieWithOwner) {
    List<String> out = new ArrayList<>();
    if (setpriv != null && (asNobody() || dieWithOwner)) {
      out.add(setpriv.toString());
      if (asNobody()) {
        out.add("--reuid=" + NOBODY);
        out.add("--regid=" + NOBODY);
        out.add("--clear-groups");
      }
      if (dieWithOwner) {
        out.add("--pdeathsig=INT");
      }
      out.add("--");
    }
    out.addAll(tool);
    return out;
  }

  /** Gives {@code dir} and everything in it to nobody, when the server runs as nobody. */
  void handOver(Path dir) {
    if (!asNobody()) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Files.setAttribute(p, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", NOBODY, LinkOption.NOFOLLOW_LINKS);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hand " + dir + " over to nobody", e);
    }
  }

  /**
   * The first directory from {@code dir} up to {@code /} that the server's user cannot enter, or
   * null when it reaches {@code dir}; always null unless the server runs as nobody.
   */
  @Nullable Path blockingDirectory(Path dir) {
    if (!asNobody()) {
      return null;
    }
    try {
      for (Path p = dir.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
        if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          return p;
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the permissions above " + dir, e);
    }
  }

  /**
   * Checks that the server's user can reach {@code dir}.
   *
   * @throws IllegalStateException naming the directory nobody cannot enter
   */
  void requireReachable(Path dir) {
    Path blocking = blockingDirectory(dir);
    if (blocking != null) {
      throw new IllegalStateException(
          "PostgreSQL runs as nobody because the JVM is root, and nobody cannot enter "
              + blocking
              + " (no o+x), which holds "
              + dir);
    }
  }

  @Override
  public String toString() {
    return asNobody() ? "nobody (uid " + NOBODY + ")" : "uid " + jvmUid;
  }

  private static boolean hasUser(Path passwd, int uid) {
    try (Stream<String> lines = Files.lines(passwd, StandardCharsets.UTF_8)) {
      return lines.map(l -> l.split(":", -1)).anyMatch(f -> f.length > 2 && f[2].equals("" + uid));
    } catch (IOException e) {
      return false;
    }
  }

  private static @Nullable Path onPath(String name, @Nullable String path) {
    if (path == null) {
      return null;
    }
    for (String dir : path.split(":", -1)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
