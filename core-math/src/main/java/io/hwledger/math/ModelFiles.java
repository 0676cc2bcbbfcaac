package io.hwledger.math;

import io.hwledger.api.ModelConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

/**
 * Opens untrusted model files (GGUF files, safetensors headers and indexes, {@code config.json})
 * the one way every reader of this library does: only a regular file, checked after following
 * symbolic links and before it is opened, so that a FIFO or device given as a model is refused at
 * once instead of blocking the reader forever; and whole-file reads bounded by a stated size.
 *
 * <p>Public only so that the reader packages ({@code gguf}, {@code safetensors}) and the command
 * line share these rules; not meant as a general file API. Thread-safe and stateless.
 */
public final class ModelFiles {
  private static final String CACHE_MODEL_PREFIX = "models--";

  private ModelFiles() {}

  /**
   * The size in bytes of the regular file at {@code file} (symbolic links followed).
   *
   * @param file the path to check
   * @return the file's size, bytes
   * @throws ModelConfigException naming the file when it does not exist, cannot be examined, or is
   *     a directory, FIFO, socket or device
   */
  public static long requireRegularFile(Path file) {
    Objects.requireNonNull(file, "file");
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new ModelConfigException("cannot read " + file + ": no such file", e);
    } catch (IOException e) {
      throw new ModelConfigException("cannot read " + file + ": " + e, e);
    }
    if (attrs.isDirectory()) {
      throw new ModelConfigException(file + ": is a directory, not a regular file");
    }
    if (!attrs.isRegularFile()) {
      throw new ModelConfigException(
          file + ": is not a regular file (a FIFO, socket or device), so it is not read");
    }
    return attrs.size();
  }

  /**
   * Opens the regular file at {@code file} for reading.
   *
   * @param file the path to open
   * @return a read-only channel the caller closes
   * @throws ModelConfigException as {@link #requireRegularFile}, or when it cannot be opened
   */
  public static FileChannel open(Path file) {
    requireRegularFile(file);
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new ModelConfigException("cannot read " + file + ": " + e, e);
    }
  }

  /**
   * Every byte of the regular file at {@code file}, which may hold at most {@code maxBytes}: the
   * size is checked before anything is allocated, and a file that grows while it is read is refused
   * too.
   *
   * @param file the path to read
   * @param maxBytes the largest size accepted, bytes
   * @param what what the file is, for the message, e.g. {@code config}
   * @return the file's contents, at most {@code maxBytes} bytes
   * @throws IllegalArgumentException if {@code maxBytes} is negative
   * @throws ModelConfigException naming the file, its size and the limit when it is larger, or as
   *     {@link #requireRegularFile}
   */
  public static byte[] readAll(Path file, int maxBytes, String what) {
    Objects.requireNonNull(what, "what");
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative, was " + maxBytes);
    }
    long size = requireRegularFile(file);
    if (size > maxBytes) {
      throw tooLarge(file, what, size, maxBytes);
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      // readNBytes grows its buffer as bytes arrive; one byte more than the limit shows growth.
      bytes = in.readNBytes(maxBytes == Integer.MAX_VALUE ? maxBytes : maxBytes + 1);
    } catch (IOException e) {
      throw new ModelConfigException("cannot read " + file + ": " + e, e);
    }
    if (bytes.length > maxBytes) {
      throw tooLarge(file, what, bytes.length, maxBytes);
    }
    return bytes;
  }

  /**
   * The Hugging Face cache repository directory ({@code .../hub/models--ORG--NAME}) when {@code
   * dir} is one of its snapshots ({@code models--ORG--NAME/snapshots/REV}), as {@code
   * huggingface_hub} lays out its cache; empty otherwise. Decided by names alone: resolve links
   * first where they matter.
   *
   * @param dir a directory that may be a cache snapshot
   * @return the {@code models--ORG--NAME} directory two levels up, or empty
   */
  public static Optional<Path> cacheRepository(Path dir) {
    Objects.requireNonNull(dir, "dir");
    Path snapshots = dir.getParent();
    Path repo = snapshots == null ? null : snapshots.getParent();
    if (repo == null
        || !Objects.toString(snapshots.getFileName(), "").equals("snapshots")
        || !Objects.toString(repo.getFileName(), "").startsWith(CACHE_MODEL_PREFIX)) {
      return Optional.empty();
    }
    return Optional.of(repo);
  }

  /**
   * The Hugging Face repository id ({@code ORG/NAME}) of a cache repository directory named {@code
   * models--ORG--NAME}: the prefix dropped and every {@code --} read as {@code /}.
   *
   * @param repo a cache repository directory, e.g. from {@link #cacheRepository}
   * @return the repository id, e.g. {@code meta-llama/Llama-3.1-8B}
   * @throws IllegalArgumentException when {@code repo} is not named so
   */
  public static String cacheRepositoryId(Path repo) {
    Objects.requireNonNull(repo, "repo");
    Path name = repo.getFileName();
    if (name == null || !name.toString().startsWith(CACHE_MODEL_PREFIX)) {
      throw new IllegalArgumentException(
          repo + " is not a Hugging Face cache repository (models--ORG--NAME)");
    }
    return name.toString().substring(CACHE_MODEL_PREFIX.length()).replace("--", "/");
  }

  private static ModelConfigException tooLarge(Path file, String what, long size, long maxBytes) {
    return new ModelConfigException(
        file + ": " + what + " is " + size + " bytes, more than the limit of " + maxBytes);
  }
}
