package io.hwledger.math.safetensors;

import io.hwledger.api.ModelConfigException;
import io.hwledger.math.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads safetensors checkpoints: the 8-byte header length and JSON header of each file, never
 * tensor data.
 *
 * <p><b>Parameters.</b> Ordinary tensors count their elements. Packed integer weights count the
 * values packed into them: AutoGPTQ/AutoAWQ {@code qweight} and compressed-tensors {@code
 * weight_packed} hold {@code 32 / bits} values per int32 word ({@code bits} from {@code
 * config.json}, 4 without one), gpt-oss MXFP4 {@code *_blocks} two e2m1 values per byte. Zero
 * points, scales, group indices and fp8/MXFP4 scale tensors are quantisation metadata: bytes, no
 * parameters. The rules and their sources are in {@code docs/adr/0008-safetensors-reader.md}.
 *
 * <p><b>Untrusted input.</b> Every problem (a header longer than the file or than the format's
 * 100,000,000-byte limit, malformed or duplicate-keyed JSON, missing fields, unknown dtypes, sizes
 * that disagree with shapes, overlapping or uncovered bytes, an index naming a missing shard, a
 * shard outside the directory, or a tensor its shard lacks) is a {@link ModelConfigException} with
 * a one-line message naming the file.
 */
public final class SafetensorsReader {
  /** The shard index transformers writes for a sharded checkpoint. */
  public static final String INDEX_FILE = "model.safetensors.index.json";

  /** The single file transformers writes for an unsharded checkpoint. */
  public static final String SINGLE_FILE = "model.safetensors";

  private static final String CONFIG_FILE = "config.json";

  private SafetensorsReader() {}

  /**
   * Reads the checkpoint at {@code path}: a {@code .safetensors} file, a shard index ({@code
   * *.json}), or a directory holding {@value #INDEX_FILE} or {@value #SINGLE_FILE} (the index is
   * preferred when both are there).
   *
   * @param path a file or directory
   * @return every file's header and tensors, with the {@code config.json} beside them if any
   * @throws ModelConfigException naming the file and problem when anything is missing or malformed
   */
  public static SafetensorsCheckpoint read(Path path) {
    Objects.requireNonNull(path, "path");
    Path at = path.toAbsolutePath().normalize();
    if (Files.isDirectory(at)) {
      // exists, not isRegularFile: a FIFO or device by these names is refused when read, not
      // silently passed over.
      Path index = at.resolve(INDEX_FILE);
      if (Files.exists(index)) {
        return fromIndex(index);
      }
      Path single = at.resolve(SINGLE_FILE);
      if (Files.exists(single)) {
        return fromFile(single);
      }
      throw new ModelConfigException(at + ": holds neither " + INDEX_FILE + " nor " + SINGLE_FILE);
    }
    ModelFiles.requireRegularFile(at);
    Path name = at.getFileName();
    if (name != null && name.toString().endsWith(".json")) {
      return fromIndex(at);
    }
    return fromFile(at);
  }

  private static SafetensorsCheckpoint fromFile(Path file) {
    HeaderParser.Parsed parsed = HeaderParser.read(file);
    return assemble(file, List.of(parsed));
  }

  private static SafetensorsCheckpoint fromIndex(Path indexFile) {
    ShardIndex index = ShardIndex.read(indexFile);
    Path dir = ShardIndex.directoryOf(indexFile);
    List<HeaderParser.Parsed> shards = new ArrayList<>();
    Map<String, ShardIndex.Listing> listings = index.listings();
    Map<Path, Integer> held = new HashMap<>();
    for (Path shard : index.shards()) {
      // Each name is checked against the index as the shard's header is read, and the entry keeps
      // the index's copy of it: no tensor the index does not list is kept, nor any name twice.
      HeaderParser.Parsed parsed =
          HeaderParser.read(
              shard,
              name -> {
                ShardIndex.Listing listed = listings.get(name);
                if (listed == null || !listed.shard().equals(shard)) {
                  throw new ModelConfigException(
                      indexFile
                          + ": shard '"
                          + dir.relativize(shard)
                          + "' holds tensor '"
                          + name
                          + "', which weight_map "
                          + (listed == null
                              ? "does not list"
                              : "places in '" + dir.relativize(listed.shard()) + "'"));
                }
                return listed.name();
              });
      shards.add(parsed);
      held.put(shard, parsed.entries().size());
    }
    // Every shard holds only tensors the index places in it, each once (its header has no
    // duplicate keys), so a shard holding fewer than the index places there lacks one.
    Map<Path, Integer> placed = new HashMap<>();
    for (ShardIndex.Listing l : listings.values()) {
      placed.merge(l.shard(), 1, Integer::sum);
    }
    for (HeaderParser.Parsed parsed : shards) {
      Path shard = parsed.file().path();
      if (held.get(shard) < placed.get(shard)) {
        Set<String> names = new HashSet<>();
        for (HeaderParser.Entry e : parsed.entries()) {
          names.add(e.name());
        }
        for (ShardIndex.Listing l : listings.values()) {
          if (l.shard().equals(shard) && !names.contains(l.name())) {
            throw new ModelConfigException(
                indexFile
                    + ": weight_map places tensor '"
                    + l.name()
                    + "' in shard '"
                    + dir.relativize(shard)
                    + "', which does not hold it");
          }
        }
      }
    }
    return assemble(indexFile, shards);
  }

  private static SafetensorsCheckpoint assemble(Path source, List<HeaderParser.Parsed> parsed) {
    Path config = ShardIndex.directoryOf(source).resolve(CONFIG_FILE);
    // A config.json that is not a regular file is still "the config": reading it then says why.
    Optional<Path> configJson = Files.exists(config) ? Optional.of(config) : Optional.empty();
    boolean packed = false;
    for (HeaderParser.Parsed p : parsed) {
      for (HeaderParser.Entry e : p.entries()) {
        packed |= ParameterRule.isPacked(e.name());
      }
    }
    // The config is read only when a packed tensor needs its width.
    int bits = packed ? PackedBits.read(configJson) : PackedBits.DEFAULT_BITS;
    List<SafetensorsFile> files = new ArrayList<>();
    List<SafetensorsTensor> tensors = new ArrayList<>();
    for (HeaderParser.Parsed p : parsed) {
      files.add(p.file());
      List<HeaderParser.Entry> entries = new ArrayList<>(p.entries());
      entries.sort(
          java.util.Comparator.comparingLong(HeaderParser.Entry::begin)
              .thenComparingLong(HeaderParser.Entry::end));
      for (HeaderParser.Entry e : entries) {
        long bytes = e.end() - e.begin();
        long parameters;
        try {
          parameters =
              ParameterRule.parameters(
                  e.name(), e.dtype(), SafetensorsTensor.elements(e.shape()), bytes, bits);
        } catch (IllegalArgumentException ex) {
          throw new ModelConfigException(p.file().path() + ": " + ex.getMessage(), ex);
        }
        tensors.add(
            new SafetensorsTensor(
                e.name(), e.dtype(), e.shape(), p.file().path(), e.begin(), e.end(), parameters));
      }
    }
    return new SafetensorsCheckpoint(source, files, tensors, configJson);
  }
}
