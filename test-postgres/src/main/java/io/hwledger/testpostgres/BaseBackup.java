package io.hwledger.testpostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * Copies a running server's data directory between {@code pg_start_backup} and {@code
 * pg_stop_backup}, leaving out what {@code pg_basebackup} leaves out (PostgreSQL 14's {@code
 * basebackup.c}): the WAL, which a standby streams from its primary instead; the contents of the
 * directories a server empties or rebuilds when it starts; and the files that belong to the running
 * server only. Files the server deletes while the copy runs are skipped, as pg_basebackup skips
 * them; pages torn by concurrent writes are repaired by replaying the WAL from the backup's start
 * (full-page writes are forced during a backup).
 */
final class BaseBackup {
  /** Directories copied empty: their contents are rebuilt, or streamed (pg_wal). */
  private static final Set<String> EMPTIED =
      Set.of(
          "pg_wal",
          "pg_stat_tmp",
          "pg_replslot",
          "pg_dynshmem",
          "pg_notify",
          "pg_serial",
          "pg_snapshots",
          "pg_subtrans");

  /** Files of the running server only, or of an earlier backup. */
  private static final Set<String> LEFT_OUT =
      Set.of(
          "postmaster.pid",
          "postmaster.opts",
          "postgresql.auto.conf.tmp",
          "current_logfiles.tmp",
          "backup_label",
          "backup_label.old",
          "tablespace_map",
          "tablespace_map.old");

  private BaseBackup() {}

  /**
   * Copies {@code from} (a data directory) to {@code to}, which must not exist; permissions are
   * kept, {@code pg_wal/archive_status} is made empty.
   *
   * @throws UncheckedIOException when a file cannot be read or written, or {@code from} holds a
   *     symbolic link (a tablespace, which a test server never has)
   */
  static void copy(Path from, Path to) {
    Path source = from.toAbsolutePath().normalize();
    try {
      Files.walkFileTree(
          source,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                throws IOException {
              if (name(dir).startsWith("pgsql_tmp")) {
                return FileVisitResult.SKIP_SUBTREE; // a query's temporary files
              }
              Path target = to.resolve(source.relativize(dir).toString());
              Files.copy(dir, target, StandardCopyOption.COPY_ATTRIBUTES);
              if (!dir.equals(source) && EMPTIED.contains(name(dir))) {
                if (name(dir).equals("pg_wal")) {
                  Path status = target.resolve("archive_status");
                  Files.createDirectory(status);
                  Files.setPosixFilePermissions(status, Files.getPosixFilePermissions(target));
                }
                return FileVisitResult.SKIP_SUBTREE;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              String name = name(file);
              if (attrs.isSymbolicLink()) {
                throw new IOException(
                    "refusing to copy the link " + file + " (tablespaces are not supported)");
              }
              if (LEFT_OUT.contains(name)
                  || name.startsWith("pg_internal.init")
                  || name.startsWith("pgsql_tmp")) {
                return FileVisitResult.CONTINUE;
              }
              try {
                Files.copy(
                    file,
                    to.resolve(source.relativize(file).toString()),
                    StandardCopyOption.COPY_ATTRIBUTES,
                    LinkOption.NOFOLLOW_LINKS);
              } catch (NoSuchFileException deleted) {
                // dropped by the server while we copied; the WAL replays the drop
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE; // deleted by the server while we walked
              }
              throw e;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the data directory " + source + " to " + to, e);
    }
  }

  private static String name(Path p) {
    Path name = p.getFileName();
    return name == null ? "" : name.toString();
  }
}
