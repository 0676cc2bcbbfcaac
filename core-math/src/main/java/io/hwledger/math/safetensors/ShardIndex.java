package io.hwledger.math.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.hwledger.api.ModelConfigException;
import io.hwledger.math.ModelFiles;
import io.hwledger.math.StrictJson;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
    boolean sawMap = false;
    ModelConfigException problem = null;
    try (FileChannel channel = ModelFiles.open(file)) {
      long size = channel.size();
      if (size > MAX_INDEX_BYTES) {
        throw new ModelConfigException(
            file + ": index is " + size + " bytes, over the limit of " + MAX_INDEX_BYTES);
      }
      Reader reader =
          new InputStreamReader(
              Channels.newInputStream(channel),
              StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT));
      try (JsonParser p = StrictJson.parser(reader)) {
        JsonToken first = p.nextToken();
        if (first == null) {
          throw new ModelConfigException(file + ": empty index, expected a JSON object");
        }
        if (first != JsonToken.START_OBJECT) {
          p.skipChildren();
          StrictJson.requireEnd(p, source, INDEX);
          throw new ModelConfigException(
              file + ": index is a JSON " + StrictJson.kind(first) + ", expected an object");
        }
        ReadLimits limits = new ReadLimits(file);
        Map<String, Path> checked = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          boolean map = p.currentName().equals(WEIGHT_MAP);
          JsonToken value = p.nextToken();
          sawMap |= map;
          if (map && problem == null) {
            try {
              weightMap(file, dir, p, value, limits, checked, listings);
            } catch (ModelConfigException e) {
              problem = e;
              listings.clear();
            }
          }
          StrictJson.skipToDepth(p, 1);
        }
        StrictJson.requireEnd(p, source, INDEX);
      } catch (JsonProcessingException e) {
        throw StrictJson.malformed(e, source, INDEX);
      } catch (CharacterCodingException e) {
        throw new ModelConfigException(file + ": index is not valid UTF-8", e);
      }
    } catch (IOException e) {
      throw new ModelConfigException("cannot read " + file + ": " + e, e);
    }
    if (problem != null) {
      throw problem;
    }
    if (!sawMap) {
      throw new ModelConfigException(file + ": missing '" + WEIGHT_MAP + "'");
    }
    if (listings.isEmpty()) {
      throw new ModelConfigException(file + ": '" + WEIGHT_MAP + "' lists no tensors");
    }
    return new ShardIndex(file, listings);
  }

  private static void weightMap(
      Path file,
      Path dir,
      JsonParser p,
      JsonToken token,
      ReadLimits limits,
      Map<String, Path> checked,
      Map<String, Listing> into)
      throws IOException {
    if (token != JsonToken.START_OBJECT) {
      throw new ModelConfigException(
          file
              + ": '"
              + WEIGHT_MAP
              + "' is a JSON "
              + StrictJson.kind(token)
              + ", expected an object");
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String tensor = p.currentName();
      JsonToken value = p.nextToken();
      if (value != JsonToken.VALUE_STRING) {
        throw new ModelConfigException(
            file
                + ": '"
                + WEIGHT_MAP
                + "."
                + tensor
                + "' is a JSON "
                + StrictJson.kind(value)
                + ", expected a shard file name");
      }
      limits.tensor(tensor);
      String name = p.getText();
      Path shard = checked.get(name);
      if (shard == null) {
        shard = shard(file, dir, name, tensor);
        checked.put(name, shard);
      }
      into.put(tensor, new Listing(tensor, shard));
    }
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
