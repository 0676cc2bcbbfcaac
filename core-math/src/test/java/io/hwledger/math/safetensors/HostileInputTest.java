package io.hwledger.math.safetensors;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.api.ModelConfigException;
import io.hwledger.math.fixtures.SafetensorsWriter;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed and malicious checkpoints, each refused with one exact line naming the file. */
@Verifies("FR-HOSTILE-001")
class HostileInputTest {
  @TempDir Path dir;

  /** Header text, data bytes after it, and the message after {@code "<file>: "}. */
  static Stream<Arguments> headers() {
    return Stream.of(
        Arguments.of("[1]", 0, "header does not start with '{'"),
        Arguments.of(" {}", 0, "header does not start with '{'"),
        Arguments.of(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
            8,
            "malformed header JSON at line 1, column 58: Duplicate field 'a'"),
        Arguments.of("{\"a\":1}", 0, "tensor 'a' is a JSON number, expected an object"),
        Arguments.of(
            "{\"a\":1",
            0,
            "malformed header JSON at line 1, column 7: Unexpected end-of-input: expected close"
                + " marker for Object (opened at line 1, column 1)"),
        Arguments.of(
            "{\"a\":{}} []",
            0,
            "malformed header JSON at line 1, column 10: content after the top-level value"),
        Arguments.of("{\"a\":[]}", 0, "tensor 'a' is a JSON array, expected an object"),
        Arguments.of(
            "{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "tensor 'a' has no 'dtype'"),
        Arguments.of(
            "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, "tensor 'a' has no 'shape'"),
        Arguments.of(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "tensor 'a' has no 'data_offsets'"),
        Arguments.of(
            "{\"a\":{\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,16]}}",
            16,
            "tensor 'a' has unknown dtype 'F128'"),
        Arguments.of(
            "{\"a\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            4,
            "tensor 'a' has unknown dtype 'f32'"),
        Arguments.of(
            "{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}",
            4,
            "tensor 'a' has a 'dtype' that is a JSON number, not a string"),
        Arguments.of(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
            4,
            "tensor 'a' 'shape' [-1] must hold integers in [0, 2^63)"),
        Arguments.of(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}",
            4,
            "tensor 'a' 'shape' [1.5] must hold integers in [0, 2^63)"),
        Arguments.of(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}",
            8,
            "tensor 'a' 'shape' [\"2\"] must hold integers in [0, 2^63)"),
        Arguments.of(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":{},\"data_offsets\":[0,8]}}",
            8,
            "tensor 'a' 'shape' is a JSON object, expected an array"),
        Arguments.of(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}",
            4,
            "tensor 'a' shape [4294967296, 4294967296] overflows a 64-bit size"),
        Arguments.of(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,18446744073709551615]}}",
            4,
            "tensor 'a' 'data_offsets' [0,18446744073709551615] must be integers in [0, 2^63)"),
        Arguments.of(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}",
            4,
            "tensor 'a' 'data_offsets' must be an array [begin, end]"),
        Arguments.of(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}",
            4,
            "tensor 'a' data_offsets [0, 4] hold 4 bytes, but F32 [2] needs 8"),
        Arguments.of(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}",
            8,
            "tensor 'a' data_offsets [8, 4] end before they begin"),
        Arguments.of(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[250],\"data_offsets\":[0,1000]}}",
            8,
            "tensor 'a' data_offsets [0, 1000] run past the 8-byte data section"),
        Arguments.of(
            "{\"a\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,1]}}",
            1,
            "tensor 'a' shape [3]: 3 F4 elements do not fill whole bytes"),
        Arguments.of(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
            12,
            "tensors 'a' [0, 8) and 'b' [4, 12) overlap"),
        Arguments.of(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
            12,
            "data bytes [4, 8) belong to no tensor"),
        Arguments.of(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            16,
            "data bytes [4, 16) belong to no tensor"),
        Arguments.of(
            "{\"__metadata__\":{\"format\":1}}",
            0,
            "'__metadata__.format' is a JSON number, but metadata values must be strings"),
        Arguments.of(
            "{\"__metadata__\":[]}", 0, "'__metadata__' is a JSON array, expected an object"),
        Arguments.of(
            "{\"m.qweight\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}",
            4,
            "packed tensor 'm.qweight' must have an integer dtype, found F16"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("headers")
  void refusesHeader(String header, long dataBytes, String message) throws IOException {
    Path file =
        SafetensorsWriter.writeRaw(
            dir.resolve("model.safetensors"), header.getBytes(StandardCharsets.UTF_8), dataBytes);

    assertRefused(file, file + ": " + message);
  }

  @Test
  void headerLongerThanTheFormatAllows() throws IOException {
    Path file =
        SafetensorsWriter.writeRaw(dir.resolve("a.safetensors"), 100_000_001L, new byte[2], 0);
    assertRefused(
        file, file + ": header length 100000001 exceeds the format's limit of 100000000 bytes");
  }

  @Test
  void headerLengthWithTheTopBitSet() throws IOException {
    Path file = SafetensorsWriter.writeRaw(dir.resolve("a.safetensors"), -1L, new byte[2], 0);
    assertRefused(
        file,
        file
            + ": header length 18446744073709551615 exceeds the format's limit of 100000000 bytes");
  }

  @Test
  void headerLongerThanTheFile() throws IOException {
    Path file = SafetensorsWriter.writeRaw(dir.resolve("a.safetensors"), 1_000, new byte[10], 0);
    assertRefused(file, file + ": header length 1000 runs past the end of the 18-byte file");
  }

  @Test
  void fileShorterThanTheLengthField() throws IOException {
    Path file = Files.write(dir.resolve("a.safetensors"), new byte[3]);
    assertRefused(file, file + ": file is 3 bytes, too short for the 8-byte header length");
  }

  @Test
  void headerNotUtf8() throws IOException {
    byte[] header = {'{', '"', (byte) 0xC3, '"', ':', '1', '}'};
    Path file = SafetensorsWriter.writeRaw(dir.resolve("a.safetensors"), header, 0);
    assertRefused(file, file + ": header is not valid UTF-8");
  }

  @Test
  void missingFileAndEmptyDirectory() {
    Path missing = dir.resolve("nope.safetensors");
    assertRefused(missing, "cannot read " + missing + ": no such file");
    assertRefused(dir, dir + ": holds neither model.safetensors.index.json nor model.safetensors");
  }

  @Test
  void indexNamingAMissingShard() throws IOException {
    Path index = index("{\"weight_map\":{\"a\":\"model-00002-of-00002.safetensors\"}}");
    assertRefused(
        index,
        index
            + ": weight_map names shard 'model-00002-of-00002.safetensors' (for tensor 'a'),"
            + " which does not exist");
  }

  @Test
  void indexNamingAShardOutsideTheDirectory() throws IOException {
    Path ckpt = dir.resolve("ckpt");
    new SafetensorsWriter().tensor("a", "F32", 1).write(dir.resolve("x.safetensors"));
    Path index = index(ckpt, "{\"weight_map\":{\"a\":\"../x.safetensors\"}}");
    assertRefused(
        index,
        index + ": weight_map names shard '../x.safetensors' outside the checkpoint directory");
    Path absolute = dir.resolve("x.safetensors");
    index = index(ckpt, "{\"weight_map\":{\"a\":\"" + absolute + "\"}}");
    assertRefused(
        index,
        index + ": weight_map names shard '" + absolute + "' outside the checkpoint directory");
  }

  @Test
  void shardLinkedOutsideTheDirectory() throws IOException {
    Path outside =
        new SafetensorsWriter().tensor("a", "F32", 1).write(dir.resolve("x.safetensors"));
    Path ckpt = Files.createDirectories(dir.resolve("ckpt"));
    Files.createSymbolicLink(ckpt.resolve("s.safetensors"), outside);
    Path index = index(ckpt, "{\"weight_map\":{\"a\":\"s.safetensors\"}}");
    assertRefused(
        index, index + ": weight_map names shard 's.safetensors' outside the checkpoint directory");
  }

  @Test
  void indexNamingATensorItsShardLacks() throws IOException {
    new SafetensorsWriter().tensor("a", "F32", 1).write(dir.resolve("s.safetensors"));
    Path index = index("{\"weight_map\":{\"a\":\"s.safetensors\",\"b\":\"s.safetensors\"}}");
    assertRefused(
        index,
        index + ": weight_map places tensor 'b' in shard 's.safetensors', which does not hold it");
  }

  @Test
  void shardHoldingATensorTheIndexDoesNotList() throws IOException {
    new SafetensorsWriter()
        .tensor("a", "F32", 1)
        .tensor("b", "F32", 1)
        .write(dir.resolve("s.safetensors"));
    Path index = index("{\"weight_map\":{\"a\":\"s.safetensors\"}}");
    assertRefused(
        index, index + ": shard 's.safetensors' holds tensor 'b', which weight_map does not list");
  }

  @Test
  void indexWithoutWeightMapOrWithDuplicates() throws IOException {
    Path index = index("{\"metadata\":{}}");
    assertRefused(index, index + ": missing 'weight_map'");
    index = index("[]");
    assertRefused(index, index + ": index is a JSON array, expected an object");
    index = index("{\"weight_map\":{\"a\":\"s.safetensors\",\"a\":\"t.safetensors\"}}");
    assertRefused(
        index, index + ": malformed index JSON at line 1, column 39: Duplicate field 'a'");
  }

  @Test
  void layerGap() throws IOException {
    Path file =
        new SafetensorsWriter()
            .tensor("model.layers.0.w", "F32", 1)
            .tensor("model.layers.2.w", "F32", 1)
            .write(dir.resolve("model.safetensors"));
    SafetensorsCheckpoint ckpt = SafetensorsReader.read(file);
    assertThatThrownBy(ckpt::checkpointWeights)
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(file + ": decoder layer 1 has no tensors, but the decoder has 3 layers");
  }

  @Test
  void hugeLayerNumberAllocatesNothing() throws IOException {
    Path file =
        new SafetensorsWriter()
            .tensor("model.layers.2000000000.w", "F32", 1)
            .write(dir.resolve("model.safetensors"));
    SafetensorsCheckpoint ckpt = SafetensorsReader.read(file);
    assertThatThrownBy(ckpt::checkpointWeights)
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(
            file + ": decoder layer 0 has no tensors, but the decoder has 2000000001 layers");
  }

  private Path index(String json) throws IOException {
    return index(dir, json);
  }

  private static Path index(Path in, String json) throws IOException {
    Files.createDirectories(in);
    return Files.writeString(in.resolve("model.safetensors.index.json"), json);
  }

  private static void assertRefused(Path path, String message) {
    assertThatThrownBy(() -> SafetensorsReader.read(path))
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(message);
  }
}
