package io.hwledger.math.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.api.ModelConfigException;
import io.hwledger.math.TestFiles;
import io.hwledger.math.fixtures.SafetensorsWriter;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stated limits of {@link ReadLimits}, special files, and the Hugging Face cache layout: each
 * refusal is one exact line, and nothing is read from a FIFO.
 */
@Verifies({"FR-HOSTILE-001", "FR-SAFETENSORS-001"})
class SafetensorsLimitsTest {
  private static final String ZERO = "{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}";

  @TempDir Path dir;

  private static void assertRefused(Path path, String message) {
    assertThatThrownBy(() -> SafetensorsReader.read(path))
        .isInstanceOf(ModelConfigException.class)
        .hasMessage(message);
  }

  @Test
  void zeroByteTensorsAreLegalUpToTheLimit() throws IOException {
    Path file =
        SafetensorsWriter.writeRaw(
            dir.resolve("a.safetensors"), HostileSafetensors.zeroTensors(3, "t"), 0);
    assertThat(SafetensorsReader.read(file).tensors()).hasSize(3);
  }

  @Test
  void moreTensorsThanTheLimitAreRefused() throws IOException {
    // 2^18 + 1 = 262,145 zero-byte tensors: a legal header of about 14 MB.
    Path file =
        SafetensorsWriter.writeRaw(
            dir.resolve("a.safetensors"), HostileSafetensors.zeroTensors(262_145, "t"), 0);
    assertRefused(
        file, file + ": tensor count reaches 262145, more than the limit of 262144 per checkpoint");
  }

  @Test
  void moreIndexEntriesThanTheLimitAreRefused() throws IOException {
    Path index = HostileSafetensors.index(dir, 262_145);
    assertRefused(
        index,
        index + ": tensor count reaches 262145, more than the limit of 262144 per checkpoint");
  }

  @Test
  void aTensorNameOverTheLimitIsRefused() throws IOException {
    String name = "x".repeat(1025);
    Path file =
        SafetensorsWriter.writeRaw(
            dir.resolve("a.safetensors"),
            ("{\"" + name + "\":" + ZERO + "}").getBytes(StandardCharsets.UTF_8),
            0);
    assertRefused(
        file,
        file
            + ": tensor name '"
            + "x".repeat(120)
            + "…' is 1025 characters, more than the limit of 1024");
  }

  @Test
  void tensorNamesOverTheTotalLimitAreRefused() throws IOException {
    // 32,769 names of 1,024 characters: 33,555,456 > 2^25 = 33,554,432, passed at the last one.
    String prefix = "n".repeat(1019);
    Path file =
        SafetensorsWriter.writeRaw(
            dir.resolve("a.safetensors"), HostileSafetensors.zeroTensors(32_769, prefix), 0);
    assertRefused(
        file,
        file
            + ": tensor names reach 33555456 characters, more than the limit of 33554432 per file");
  }

  @Test
  void metadataOverTheLimitIsRefused() throws IOException {
    // key "k" (1) + a value of 2^24 characters: 16,777,217 > 2^24.
    String header = "{\"__metadata__\":{\"k\":\"" + "v".repeat(1 << 24) + "\"}}";
    Path file =
        SafetensorsWriter.writeRaw(
            dir.resolve("a.safetensors"), header.getBytes(StandardCharsets.UTF_8), 0);
    assertRefused(
        file,
        file
            + ": '__metadata__' reaches 16777217 characters, more than the limit of 16777216 per"
            + " file");
  }

  @Test
  void aShapeOfMoreThan64DimensionsIsRefused() throws IOException {
    String dims = "1" + ",1".repeat(64);
    Path file =
        SafetensorsWriter.writeRaw(
            dir.resolve("a.safetensors"),
            ("{\"a\":{\"dtype\":\"F32\",\"shape\":[" + dims + "],\"data_offsets\":[0,4]}}")
                .getBytes(StandardCharsets.UTF_8),
            4);
    assertRefused(file, file + ": tensor 'a' 'shape' has 65 dimensions, more than the limit of 64");
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void fifosAreRefusedWithoutBeingOpened() throws Exception {
    String notRegular = ": is not a regular file (a FIFO, socket or device), so it is not read";
    Path single = Files.createDirectories(dir.resolve("single"));
    Path fifo = TestFiles.fifo(single.resolve(SafetensorsReader.SINGLE_FILE));
    assertRefused(single, fifo + notRegular);
    assertRefused(fifo, fifo + notRegular);

    Path sharded = Files.createDirectories(dir.resolve("sharded"));
    Path shard = TestFiles.fifo(sharded.resolve("s.safetensors"));
    Files.writeString(
        sharded.resolve(SafetensorsReader.INDEX_FILE),
        "{\"weight_map\":{\"a\":\"s.safetensors\"}}");
    assertRefused(sharded, shard + notRegular);

    Path fifoIndex = Files.createDirectories(dir.resolve("fifo-index"));
    Path index = TestFiles.fifo(fifoIndex.resolve(SafetensorsReader.INDEX_FILE));
    assertRefused(fifoIndex, index + notRegular);
  }

  // ---- the Hugging Face cache layout ----

  private static final String CONFIG =
      "{\"model_type\":\"llama\",\"hidden_size\":64,\"num_hidden_layers\":2,"
          + "\"num_attention_heads\":4,\"num_key_value_heads\":2,\"intermediate_size\":128,"
          + "\"vocab_size\":100,\"max_position_embeddings\":256,\"torch_dtype\":\"float32\"}";

  /**
   * A snapshot as {@code huggingface_hub} lays it out: {@code models--org--tiny/blobs/<sha>} holds
   * the files, {@code snapshots/rev1/<name>} links to {@code ../../blobs/<sha>}.
   */
  private Path cacheSnapshot(Path hub, String repoName) throws IOException {
    Path repo = hub.resolve(repoName);
    Path blobs = Files.createDirectories(repo.resolve("blobs"));
    Path snapshot = Files.createDirectories(repo.resolve("snapshots/rev1"));
    new SafetensorsWriter()
        .tensor("model.embed_tokens.weight", "F32", 100, 64)
        .tensor("model.layers.0.self_attn.q_proj.weight", "F32", 64, 64)
        .write(blobs.resolve("aaa1"));
    new SafetensorsWriter()
        .tensor("model.layers.1.self_attn.q_proj.weight", "F32", 64, 64)
        .write(blobs.resolve("bbb2"));
    Files.writeString(
        blobs.resolve("ccc3"),
        "{\"metadata\":{\"total_size\":58368},\"weight_map\":{"
            + "\"model.embed_tokens.weight\":\"model-00001-of-00002.safetensors\","
            + "\"model.layers.0.self_attn.q_proj.weight\":\"model-00001-of-00002.safetensors\","
            + "\"model.layers.1.self_attn.q_proj.weight\":\"model-00002-of-00002.safetensors\"}}");
    Files.writeString(blobs.resolve("ddd4"), CONFIG);
    link(snapshot, "model-00001-of-00002.safetensors", "../../blobs/aaa1");
    link(snapshot, "model-00002-of-00002.safetensors", "../../blobs/bbb2");
    link(snapshot, SafetensorsReader.INDEX_FILE, "../../blobs/ccc3");
    link(snapshot, "config.json", "../../blobs/ddd4");
    return snapshot;
  }

  private static void link(Path dir, String name, String target) throws IOException {
    Path at = dir.resolve(name);
    Files.deleteIfExists(at);
    Files.createSymbolicLink(at, at.getFileSystem().getPath(target));
  }

  @Test
  void aHuggingFaceCacheSnapshotIsRead() throws IOException {
    Path snapshot = cacheSnapshot(dir.resolve("hub"), "models--org--tiny");
    SafetensorsCheckpoint ckpt = SafetensorsReader.read(snapshot);
    assertThat(ckpt.files()).hasSize(2);
    assertThat(ckpt.configJson()).hasValue(snapshot.resolve("config.json"));
    // 100 × 64 × 4 = 25,600 B of embedding; each layer's q_proj 64 × 64 × 4 = 16,384 B
    assertThat(ckpt.checkpointWeights().embeddingBytes()).isEqualTo(25_600L);
    assertThat(ckpt.checkpointWeights().layerBytes()).containsExactly(16_384L, 16_384L);
    assertThat(ckpt.modelSpec().layerCount()).isEqualTo(2);
    // named after the repository, not the revision directory
    assertThat(ckpt.modelSpec().name()).isEqualTo("org/tiny");

    // Reached through a link to the snapshot, as a user's ~/models/tiny might be.
    Path alias = Files.createSymbolicLink(dir.resolve("tiny"), snapshot);
    assertThat(SafetensorsReader.read(alias).files()).hasSize(2);
  }

  @Test
  void aCacheLinkIntoAnotherRepositoryIsRefused() throws IOException {
    Path snapshot = cacheSnapshot(dir.resolve("hub"), "models--org--tiny");
    Path other = cacheSnapshot(dir.resolve("hub"), "models--evil--other").getParent().getParent();
    link(snapshot, "model-00002-of-00002.safetensors", "../../../models--evil--other/blobs/bbb2");
    assertThat(other.resolve("blobs/bbb2")).exists();
    Path index = snapshot.resolve(SafetensorsReader.INDEX_FILE);
    assertRefused(
        snapshot,
        index
            + ": weight_map names shard 'model-00002-of-00002.safetensors' outside the checkpoint"
            + " directory");
  }

  @Test
  void aCacheLinkOutsideTheBlobsDirectoryIsRefused() throws IOException {
    Path snapshot = cacheSnapshot(dir.resolve("hub"), "models--org--tiny");
    Path repo = snapshot.getParent().getParent();
    Files.createDirectories(repo.resolve("blobs/sub"));
    Files.copy(repo.resolve("blobs/bbb2"), repo.resolve("blobs/sub/bbb2"));
    Files.copy(repo.resolve("blobs/bbb2"), repo.resolve("bbb2"));
    Path index = snapshot.resolve(SafetensorsReader.INDEX_FILE);
    String refused =
        index
            + ": weight_map names shard 'model-00002-of-00002.safetensors' outside the checkpoint"
            + " directory";
    link(snapshot, "model-00002-of-00002.safetensors", "../../blobs/sub/bbb2");
    assertRefused(snapshot, refused);
    link(snapshot, "model-00002-of-00002.safetensors", "../../bbb2");
    assertRefused(snapshot, refused);
  }

  @Test
  void theSameLinksOutsideACacheLayoutAreRefused() throws IOException {
    // The same relative links, but the directories are not named like a cache's.
    Path snapshot = cacheSnapshot(dir.resolve("hub"), "not-a-cache-repo");
    Path index = snapshot.resolve(SafetensorsReader.INDEX_FILE);
    assertRefused(
        snapshot,
        index
            + ": weight_map names shard 'model-00001-of-00002.safetensors' outside the checkpoint"
            + " directory");
  }

  @Test
  void anIndexNamingTheBlobsDirectlyIsRefused() throws IOException {
    Path snapshot = cacheSnapshot(dir.resolve("hub"), "models--org--tiny");
    Path index = snapshot.resolve(SafetensorsReader.INDEX_FILE);
    Files.delete(index);
    Files.writeString(
        index,
        "{\"weight_map\":{\"model.embed_tokens.weight\":\"../../blobs/aaa1\","
            + "\"model.layers.0.self_attn.q_proj.weight\":\"../../blobs/aaa1\","
            + "\"model.layers.1.self_attn.q_proj.weight\":\"../../blobs/bbb2\"}}");
    assertRefused(
        snapshot,
        index + ": weight_map names shard '../../blobs/aaa1' outside the checkpoint directory");
  }
}
