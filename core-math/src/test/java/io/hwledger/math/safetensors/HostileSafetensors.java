package io.hwledger.math.safetensors;

import io.hwledger.math.HostileCorpus;
import io.hwledger.math.fixtures.SafetensorsWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The safetensors part of {@link HostileCorpus}. */
public final class HostileSafetensors {
  private HostileSafetensors() {}

  /** Writes the hostile safetensors files under {@code dir}. */
  public static List<HostileCorpus.Case> write(Path dir) throws IOException {
    // 262,145 zero-byte tensors: a legal header of about 14 MB that a tree parse could not hold.
    Path tensors =
        SafetensorsWriter.writeRaw(
            dir.resolve("many.safetensors"), zeroTensors(262_145, "model.layers.0.t"), 0);
    Path index = index(dir, 262_145);
    // One metadata string of 2^24 + 1 characters, one more than the parser holds.
    String header = "{\"__metadata__\":{\"k\":\"" + "v".repeat((1 << 24) + 1) + "\"}}";
    Path string =
        SafetensorsWriter.writeRaw(
            dir.resolve("long-string.safetensors"), header.getBytes(StandardCharsets.UTF_8), 0);
    return List.of(
        new HostileCorpus.Case(
            "safetensors header of 262,145 tensors",
            "safetensors",
            tensors,
            tensors
                + ": tensor count reaches 262145, more than the limit of 262144 per checkpoint"),
        new HostileCorpus.Case(
            "safetensors index of 262,145 tensors",
            "safetensors",
            index,
            index + ": tensor count reaches 262145, more than the limit of 262144 per checkpoint"),
        new HostileCorpus.Case(
            "safetensors header with a 2^24+1-character string",
            "safetensors",
            string,
            string
                + ": malformed header JSON: String value length"
                + " (16777217) exceeds the maximum allowed (16777216, from"
                + " `StreamReadConstraints.getMaxStringLength()`)"));
  }

  /**
   * A header of {@code n} zero-byte tensors named {@code prefix} and {@code i} in five digits:
   * legal, and tiny on disk.
   */
  static byte[] zeroTensors(int n, String prefix) {
    StringBuilder h = new StringBuilder(n * (prefix.length() + 60)).append('{');
    for (int i = 0; i < n; i++) {
      h.append(i == 0 ? "" : ",")
          .append('"')
          .append(prefix)
          .append(String.format(Locale.ROOT, "%05d", i))
          .append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
    }
    return h.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  /** An index in {@code dir} placing {@code n} tensors in one shard, which holds only the first. */
  static Path index(Path dir, int n) throws IOException {
    new SafetensorsWriter().tensor("t0", "F32", 1).write(dir.resolve("s.safetensors"));
    StringBuilder json = new StringBuilder("{\"weight_map\":{");
    for (int i = 0; i < n; i++) {
      json.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":\"s.safetensors\"");
    }
    return Files.writeString(
        dir.resolve(SafetensorsReader.INDEX_FILE), json.append("}}").toString());
  }
}
