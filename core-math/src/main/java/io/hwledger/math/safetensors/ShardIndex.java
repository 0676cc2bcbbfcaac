package io.hwledger.math.safetensors;

import io.hwledger.api.ModelConfigException;
import io.hwledger.math.ModelFiles;
import io.hwledger.math.StrictJson;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A sharded checkpoint's {@code model.safetensors.index.json}: which shard holds each tensor
 * ({@code weight_map}, as transformers' {@code save_pretrained} writes it).
 *
 * <p>Shard names must stay inside the index's directory, both as written and after following links:
 * an index is untrusted input and must not make the reader open arbitrary files. One exception
 * follows links further: in a Hugging Face cache ({@code
 * ~/.cache/huggingface/hub/models--ORG--NAME/snapshots/REV/}), every file of a snapshot is a
 * relative link into the same repository's {@code blobs/} directory ({@code ../../blobs/SHA}), so a
 * shard of such a snapshot may resolve to a file directly in {@code models--ORG--NAME/blobs/}.
 * Anything else (a link resolving anywhere else, {@code ../} escapes, absolute paths) is refused.
 *
 * <p>The index is parsed as a stream and bounded by {@link ReadLimits}.
 */
final class ShardIndex {
  /** The largest index this reader parses, in bytes; the header limit, for the same reason. */
  static final long MAX_INDEX_BYTES = HeaderParser.MAX_HEADER_BYTES;

  private static final String INDEX = "index";
  private static final String WEIGHT_MAP = "weight_map";

  private final Path file;
  private final Map<String, Listing> listings;

  /** Where the index places one tensor: its name as the index spells it, and the shard. */
  record Listing(String name, Path shard) {}

  private ShardIndex(Path file, Map<String, Listing> listings) {
    this.file = file;
    this.listings = listings;
  }

  /** The index file. */
  Path file() {
    return file;
  }

  /** Tensor name to where the index places it, in the index's order. */
  Map<String, Listing> listings() {
    return listings;
  }

  /** The distinct shard files, sorted. */
  Set<Path> shards() {
    Set<Path> shards = new TreeSet<>();
    for (Listing l : listings.values()) {
      shards.add(l.shard());
    }
    return shards;
  }

  /**
   * Reads the index at {@code file}.
   *
   * @throws ModelConfigException naming the index and the problem: not a regular file, too large,
   *     malformed JSON, no {@code weight_map}, a limit passed, a shard outside the directory or
   *     missing
   */
  static ShardIndex read(Path file) {
    String source = file.toString();
    Path dir = directoryOf(file);
    Map<String, Listing> listings = new LinkedHashMap<>();
    Map<String, Path> checked = new HashMap<>();
    ReadLimits limits = new ReadLimits(file);
    boolean[] sawMap = {false};
    try (FileChannel channel = ModelFiles.open(file)) {
      long size = channel.size();
      if (size > MAX_INDEX_BYTES) {
        throw new ModelConfigException(
            file + ": index is " + size + " bytes, over the limit of " + MAX_INDEX_BYTES);
      }
      StrictJson.readMembers(
          Channels.newInputStream(channel),
          source,
          INDEX,
          (name, value, p) -> {
            if (!name.equals(WEIGHT_MAP)) {
              return;
            }
            sawMap[0] = true;
            StrictJson.stringMembers(
                p,
                value,
                source,
                WEIGHT_MAP,
                ", expected a shard file name",
                (tensor, shardName) -> {
                  limits.tensor(tensor);
                  Path shard = checked.computeIfAbsent(shardName, n -> shard(file, dir, n, tensor));
                  listings.put(tensor, new Listing(tensor, shard));
                });
          });
    } catch (IOException e) {
      throw new ModelConfigException("cannot read " + file + ": " + e, e);
    }
    if (!sawMap[0]) {
      throw new ModelConfigException(file + ": missing '" + WEIGHT_MAP + "'");
    }
    if (listings.isEmpty()) {
      throw new ModelConfigException(file + ": '" + WEIGHT_MAP + "' lists no tensors");
    }
    return new ShardIndex(file, listings);
  }

  static Path directoryOf(Path file) {
    Path parent = file.toAbsolutePath().normalize().getParent();
    if (parent == null) {
      throw new ModelConfigException(file + ": has no parent directory");
    }
    return parent;
  }

  private static Path shard(Path index, Path dir, String name, String tensor) {
    String outside =
        index + ": weight_map names shard '" + name + "' outside the checkpoint directory";
    Path shard;
    try {
      Path relative = dir.getFileSystem().getPath(name);
      if (name.isEmpty() || relative.isAbsolute()) {
        throw new ModelConfigException(outside);
      }
      shard = dir.resolve(relative).normalize();
    } catch (InvalidPathException e) {
      throw new ModelConfigException(
          index + ": weight_map names shard '" + name + "', which is not a valid path", e);
    }
    if (!shard.startsWith(dir) || shard.equals(dir)) {
      throw new ModelConfigException(outside);
    }
    if (!Files.exists(shard)) {
      throw new ModelConfigException(
          index
              + ": weight_map names shard '"
              + name
              + "' (for tensor '"
              + tensor
              + "'), which does not exist");
    }
    try {
      Path real = shard.toRealPath();
      Path realDir = dir.toRealPath();
      if (!real.startsWith(realDir) && !inCacheBlobs(realDir, real)) {
        throw new ModelConfigException(outside);
      }
    } catch (IOException e) {
      throw new ModelConfigException("cannot read " + shard + ": " + e, e);
    }
    return shard;
  }

  /**
   * Whether {@code real} is a file directly in the {@code blobs/} directory of the Hugging Face
   * cache repository whose snapshot {@code snapshot} is ({@code models--ORG--NAME/snapshots/REV}),
   * both with links resolved.
   */
  static boolean inCacheBlobs(Path snapshot, Path real) {
    Optional<Path> repo = ModelFiles.cacheRepository(snapshot);
    Path parent = real.getParent();
    return repo.isPresent() && parent != null && parent.equals(repo.get().resolve("blobs"));
  }
}
