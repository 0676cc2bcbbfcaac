package io.hwledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Verifies("FR-LEDGER-009")
class RetentionTest {
  @TempDir Path tmp;

  private final NoteSigner signer =
      NoteSigner.generate("audit.example/hwledger", new SecureRandom());
  private final NoteVerifier verifier = NoteVerifier.parse(signer.verifierKey());

  private List<AppendResult> fill(Ledger ledger, int count) {
    List<AppendResult> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(ledger.append(LedgerEvent.of("test.event", 1, "{\"i\":" + i + "}")));
    }
    return out;
  }

  @Test
  void droppedSegmentsLeaveAVerifiableAnchoredLedger() throws Exception {
    Path dir = tmp.resolve("l");
    Path archive = tmp.resolve("archive");
    List<AppendResult> results;
    long firstKept;
    byte[] root;
    try (Ledger ledger = Ledger.open(dir, LedgerOptions.defaults().withSegmentBytes(1024))) {
      results = fill(ledger, 60);
      String note = ledger.checkpoint("audit.example/hwledger", signer);
      firstKept = ledger.dropBefore(30, note, verifier, archive);
      root = ledger.root();
      assertThat(firstKept).isBetween(1L, 30L);
      // every record is still provable, dropped ones included
      for (long seq = 0; seq < 60; seq++) {
        InclusionProof p = ledger.inclusionProof(seq, 60);
        assertThat(
                MerkleTree.verifyInclusion(results.get((int) seq).hash(), seq, 60, p.path(), root))
            .isTrue();
      }
      // appends go on
      assertThat(ledger.append(LedgerEvent.of("test.event", 1, "{\"i\":60}")).seq()).isEqualTo(60);
    }
    try (Stream<Path> archived = Files.list(archive)) {
      assertThat(archived.count()).isPositive();
    }
    assertThat(Files.exists(dir.resolve("anchor.note"))).isTrue();
    Verification anchored = Ledger.verify(dir, verifier, n -> {});
    assertThat(anchored.ok()).as(anchored.toString()).isTrue();
    assertThat(anchored.size()).isEqualTo(61);
    assertThat(Ledger.verify(dir).ok()).isTrue();
    // reopening works with the first segments gone
    try (Ledger ledger = Ledger.open(dir)) {
      assertThat(ledger.size()).isEqualTo(61);
      assertThat(ledger.read(firstKept, 1).get(0).seq()).isEqualTo(firstKept);
    }
  }

  @Test
  void aRewrittenTreeBehindTheDroppedPartIsCaught() throws Exception {
    Path dir = tmp.resolve("l");
    long firstKept;
    try (Ledger ledger = Ledger.open(dir, LedgerOptions.defaults().withSegmentBytes(1024))) {
      fill(ledger, 40);
      firstKept = ledger.dropBefore(20, ledger.checkpoint("o", signer), verifier, null);
    }
    // rewrite the leaf hash of the last dropped record
    try (FileChannel f =
        FileChannel.open(dir.resolve("tree").resolve("level-00.bin"), StandardOpenOption.WRITE)) {
      f.write(ByteBuffer.wrap(new byte[32]), (firstKept - 1) * 32);
    }
    Verification v = Ledger.verify(dir, verifier, n -> {});
    assertThat(v.ok()).isFalse();
    // the damaged leaf is the last dropped record's: the retained start records its hash
    assertThat(v.firstBadSeq()).hasValue(firstKept - 1);
  }

  @Test
  void linksInPlaceOfTheRetentionFilesAreNotFollowed() throws Exception {
    Path dir = tmp.resolve("l");
    try (Ledger ledger = Ledger.open(dir, LedgerOptions.defaults().withSegmentBytes(1024))) {
      fill(ledger, 40);
      ledger.dropBefore(20, ledger.checkpoint("audit.example/hwledger", signer), verifier, null);
    }
    // an anchor.note that is a link to a (valid) copy elsewhere is reported, not read
    Path elsewhere = Files.move(dir.resolve("anchor.note"), tmp.resolve("anchor-copy.note"));
    Files.createSymbolicLink(dir.resolve("anchor.note"), elsewhere);
    Verification v = Ledger.verify(dir, verifier, n -> {});
    assertThat(v.ok()).isFalse();
    assertThat(v.reason()).hasValueSatisfying(r -> assertThat(r).contains("no anchor.note"));

    // a retained file that is a link refuses the open, naming the file
    Path retained = Files.move(dir.resolve("retained"), tmp.resolve("retained-copy"));
    Files.createSymbolicLink(dir.resolve("retained"), retained);
    assertThatThrownBy(() -> Ledger.open(dir).close())
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("retained")
        .hasMessageContaining("not a regular file");
  }

  @Test
  void aCheckpointMustVerifyMatchAndCover() {
    Path dir = tmp.resolve("l");
    try (Ledger ledger = Ledger.open(dir, LedgerOptions.defaults().withSegmentBytes(1024))) {
      fill(ledger, 10);
      String early = ledger.checkpoint("o", signer); // size 10
      fill(ledger, 40);
      NoteSigner stranger = NoteSigner.generate("audit.example/hwledger", new SecureRandom());
      assertThatThrownBy(
              () -> ledger.dropBefore(40, ledger.checkpoint("o", stranger), verifier, null))
          .isInstanceOf(RuntimeException.class);
      assertThatThrownBy(() -> ledger.dropBefore(40, early, verifier, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must cover record");
      assertThat(ledger.size()).isEqualTo(50);
    }
    assertThat(Ledger.verify(dir).ok()).isTrue();
  }
}
