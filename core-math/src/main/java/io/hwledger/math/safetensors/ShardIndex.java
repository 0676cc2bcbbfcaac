package io.hwledger.math.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwledger.api.ModelConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A sharded checkpoint's {@code model.safetensors.index.json}: which shard holds each tensor
 * ({@code weight_map}, as transformers' {@code save_pretrained} writes it).
 *
 * <p>Shard names must stay inside the index's directory, both as written and after following links:
 * an index is untrusted input and must not make the reader open arbitrary files.
 */
final class ShardIndex {
  /** The largest index this reader parses, in bytes; the header limit, for the same reason. */
  static final long MAX_INDEX_BYTES = HeaderParser.MAX_HEADER_BYTES;

  private final Path file;
  private final Map<String, Path> shardOf;

  private ShardIndex(Path file, Map<String, Path> shardOf) {
    this.file = file;
    this.shardOf = shardOf;
  }

  /** The index file. */
  Path file() {
    return file;
  }

  /** Tensor name to shard file, in the index's order. */
  Map<String, Path> shardOf() {
    return shardOf;
  }

  /** The distinct shard files, sorted. */
  Set<Path> shards() {
    return new TreeSet<>(shardOf.values());
  }

  /**
   * Reads the index at {@code file}.
   *
   * @throws ModelConfigException naming the index and the problem: malformed JSON, no {@code
   *     weight_map}, a shard outside the directory or missing
   */
  static ShardIndex read(Path file) {
    String text;
    try {
      long size = Files.size(file);
      if (size > MAX_INDEX_BYTES) {
        throw new ModelConfigException(
            file + ": index is " + size + " bytes, over the limit of " + MAX_INDEX_BYTES);
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new ModelConfigException("cannot read " + file + ": " + e, e);
    }
    JsonNode root = StrictJson.parseObject(text, file, "index");
    JsonNode map = root.get("weight_map");
    if (map == null) {
      throw new ModelConfigException(file + ": missing 'weight_map'");
    }
    if (!map.isObject()) {
      throw new ModelConfigException(
          file + ": 'weight_map' is a JSON " + StrictJson.kind(map) + ", expected an object");
    }
    Path dir = directoryOf(file);
    Map<String, Path> shardOf = new LinkedHashMap<>();
    Map<String, Path> checked = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : map.properties()) {
      JsonNode value = entry.getValue();
      if (!value.isTextual()) {
        throw new ModelConfigException(
            file
                + ": 'weight_map."
                + entry.getKey()
                + "' is a JSON "
                + StrictJson.kind(value)
                + ", expected a shard file name");
      }
      String name = value.textValue();
      Path shard = checked.get(name);
      if (shard == null) {
        shard = shard(file, dir, name, entry.getKey());
        checked.put(name, shard);
      }
      shardOf.put(entry.getKey(), shard);
    }
    if (shardOf.isEmpty()) {
      throw new ModelConfigException(file + ": 'weight_map' lists no tensors");
    }
    return new ShardIndex(file, shardOf);
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
    } catch (java.nio.file.InvalidPathException e) {
      throw new ModelConfigException(
          index + ": weight_map names shard '" + name + "', which is not a valid path", e);
    }
    if (!shard.startsWith(dir) || shard.equals(dir)) {
      throw new ModelConfigException(outside);
    }
    if (!Files.isRegularFile(shard)) {
      throw new ModelConfigException(
          index
              + ": weight_map names shard '"
              + name
              + "' (for tensor '"
              + tensor
              + "'), which does not exist");
    }
    try {
      if (!shard.toRealPath().startsWith(dir.toRealPath())) {
        throw new ModelConfigException(outside);
      }
    } catch (IOException e) {
      throw new ModelConfigException("cannot read " + shard + ": " + e, e);
    }
    return shard;
  }
}
