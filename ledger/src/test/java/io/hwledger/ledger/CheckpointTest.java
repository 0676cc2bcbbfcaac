package io.hwledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checkpoint bodies (c2sp.org/tlog-checkpoint) and their signing and verification. */
@Verifies("FR-LEDGER-005")
class CheckpointTest {
  private static final HexFormat HEX = HexFormat.of();

  /** The example in C2SP tlog-checkpoint.md. */
  private static final String SPEC_BODY =
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

  /** The root of the 8 test leaves in docs/REFERENCES.md §5. */
  private static final byte[] ROOT8 =
      HEX.parseHex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void bodyIsByteExact() {
    Checkpoint c = new Checkpoint("hwledger.example/fleet", 8, ROOT8);
    // base64 of 5dc9da79…4328 computed outside the code (Python base64.b64encode).
    assertThat(c.body())
        .isEqualTo("hwledger.example/fleet\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n");
    Checkpoint ext = new Checkpoint("o", 0, new byte[32], List.of("ext one", "— two"));
    assertThat(ext.body())
        .isEqualTo("o\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next one\n— two\n");
  }

  @Test
  void parsesTheSpecExample() {
    Checkpoint c = Checkpoint.parseBody(SPEC_BODY);
    assertThat(c.origin()).isEqualTo("example.com/behind-the-sofa");
    assertThat(c.treeSize()).isEqualTo(20852163);
    assertThat(c.rootHashHex())
        .isEqualTo("0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62");
    assertThat(c.extensions()).isEmpty();
    assertThat(c.body()).isEqualTo(SPEC_BODY);
  }

  @Test
  void roundTripsWithExtensions() {
    Checkpoint c = new Checkpoint("a", Long.MAX_VALUE, ROOT8, List.of("x", "y z"));
    Checkpoint back = Checkpoint.parseBody(c.body());
    assertThat(back).isEqualTo(c).hasSameHashCodeAs(c);
    assertThat(back.extensions()).containsExactly("x", "y z");
    assertThat(back.treeSize()).isEqualTo(Long.MAX_VALUE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "\n",
        "o\n1\n",
        "o\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=", // no final newline
        "\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", // empty origin
        "o\n01\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", // leading zero
        "o\n-1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "o\n+1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "o\n 1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "o\n1 \nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "o\n1e3\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "o\n0x10\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "o\n9223372036854775808\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "o\n\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "o\n1\n\n",
        "o\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg\n", // no padding
        "o\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyh=\n", // non-canonical last digit
        "o\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQy==\n", // 31 bytes
        "o\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQygA\n", // 33 bytes
        "o\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz-Nw7_RgQyg=\n", // URL alphabet
        "o\n1\n XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "o\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n", // empty extension line
        "o\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\nx\n\n",
        "o\r\n1\r\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\r\n",
        "o\t\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "o\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\nx\u0000\n",
        "o\ud800\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
      })
  void parseRejectsMalformedBodies(String body) {
    assertThatThrownBy(() -> Checkpoint.parseBody(body))
        .isInstanceOf(CheckpointException.class)
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").startsWith("checkpoint"));
  }

  @Test
  void parseMessagesNameTheProblem() {
    assertThatThrownBy(
            () -> Checkpoint.parseBody("o\n01\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"))
        .hasMessage(
            "checkpoint tree size \"01\" is not a decimal number without sign or leading zeros");
    assertThatThrownBy(() -> Checkpoint.parseBody("o\n1\n"))
        .hasMessage(
            "checkpoint body has 2 lines, not the 3 or more it needs (origin, tree size, root"
                + " hash)");
    assertThatThrownBy(() -> Checkpoint.parseBody("o\n1\nAAAA\n"))
        .hasMessage("checkpoint root hash has 3 bytes, not 32");
    assertThatThrownBy(
            () -> Checkpoint.parseBody("o\n1\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n"))
        .hasMessage("checkpoint line 4 is empty");
  }

  @Test
  void constructorValidates() {
    assertThatThrownBy(() -> new Checkpoint("", 1, ROOT8)).hasMessage("origin is empty");
    assertThatThrownBy(() -> new Checkpoint("a\nb", 1, ROOT8))
        .hasMessage("origin \"a\\u000ab\" has a newline");
    assertThatThrownBy(() -> new Checkpoint("a", -1, ROOT8)).hasMessage("tree size -1 is negative");
    assertThatThrownBy(() -> new Checkpoint("a", 1, new byte[31]))
        .hasMessage("root hash has 31 bytes, not 32");
    assertThatThrownBy(() -> new Checkpoint("a", 1, ROOT8, List.of("")))
        .hasMessage("extension line is empty");
    assertThatThrownBy(() -> new Checkpoint(null, 1, ROOT8))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void rootHashIsCopied() {
    byte[] root = ROOT8.clone();
    Checkpoint c = new Checkpoint("a", 8, root);
    root[0] ^= 1;
    c.rootHash()[1] ^= 1;
    assertThat(c.rootHash()).isEqualTo(ROOT8);
  }

  @Test
  void signAndVerifyRoundTrip() {
    NoteSigner signer = NoteSigner.generate("hwledger.example/fleet", RANDOM);
    Checkpoint c = new Checkpoint("hwledger.example/fleet", 8, ROOT8);
    String note = signer.sign(c);
    assertThat(note).startsWith(c.body() + "\n— hwledger.example/fleet ").endsWith("\n");
    String sig = note.substring(note.lastIndexOf(' ') + 1, note.length() - 1);
    byte[] decoded = Base64.getDecoder().decode(sig);
    assertThat(decoded).hasSize(4 + 64);
    assertThat(decoded[0] & 0xff).isEqualTo(signer.keyId() >>> 24);

    NoteVerifier verifier = NoteVerifier.parse(signer.verifierKey());
    assertThat(verifier.verify(note)).isEqualTo(c);
    assertThat(signer.verifier().verify(note)).isEqualTo(c);
  }

  @Test
  void tamperedNotesFail() {
    NoteSigner signer = NoteSigner.generate("log.example", RANDOM);
    NoteVerifier verifier = signer.verifier();
    String note = signer.sign(new Checkpoint("log.example", 8, ROOT8));
    assertThat(verifier.verify(note).treeSize()).isEqualTo(8);

    String biggerTree = note.replace("\n8\n", "\n9\n");
    assertThatThrownBy(() -> verifier.verify(biggerTree))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("does not verify");

    int sigStart = note.lastIndexOf(' ') + 1;
    for (int i : new int[] {sigStart + 6, sigStart + 40, note.length() - 3}) {
      char c = note.charAt(i);
      String flipped = note.substring(0, i) + (c == 'A' ? 'B' : 'A') + note.substring(i + 1);
      assertThatThrownBy(() -> verifier.verify(flipped))
          .as("signature character %d changed", i - sigStart)
          .isInstanceOf(CheckpointException.class);
    }

    // A signature line whose key ID was changed is ignored, leaving none by this key.
    String otherId = note.substring(0, sigStart) + "AAAAAA" + note.substring(sigStart + 6);
    assertThatThrownBy(() -> verifier.verify(otherId))
        .isInstanceOf(CheckpointException.class)
        .hasMessage("signed note has no signature by key log.example+%08x", verifier.keyId());

    NoteVerifier stranger = NoteSigner.generate("log.example", RANDOM).verifier();
    assertThatThrownBy(() -> stranger.verify(note))
        .isInstanceOf(CheckpointException.class)
        .hasMessageStartingWith("signed note has no signature by key log.example+");
  }

  @Test
  void otherKeysSignaturesAreIgnoredButBadOnesOfOurKeyAreNot() {
    NoteSigner log = NoteSigner.generate("log.example", RANDOM);
    NoteSigner witness = NoteSigner.generate("witness.example", RANDOM);
    String body = new Checkpoint("log.example", 3, ROOT8).body();
    String logLine = signatureLines(log.sign(body));
    String witnessLine = signatureLines(witness.sign(body));
    String both = body + "\n" + witnessLine + logLine;
    assertThat(log.verifier().verify(both).treeSize()).isEqualTo(3);
    assertThat(witness.verifier().verify(both).treeSize()).isEqualTo(3);
    // A second, broken signature by the log's key rejects the note even though one verifies.
    // (one base64 digit of the signature changed to another, so it always differs: a constant
    // tail would equal the real one about once in 4,000 runs)
    int at = logLine.length() - 5;
    char digit = logLine.charAt(at);
    String broken =
        logLine.substring(0, at) + (digit == 'A' ? 'B' : 'A') + logLine.substring(at + 1);
    assertThatThrownBy(() -> log.verifier().verify(body + "\n" + logLine + broken))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("signature 2 by key log.example+");
  }

  @Test
  void verifyRejectsANoteThatIsNotACheckpoint() {
    NoteSigner signer = NoteSigner.generate("n", RANDOM);
    String note = signer.sign("hello\nworld\n");
    assertThat(signer.verifier().open(note)).isEqualTo("hello\nworld\n");
    assertThatThrownBy(() -> signer.verifier().verify(note))
        .isInstanceOf(CheckpointException.class)
        .hasMessageStartingWith("checkpoint body has 2 lines");
  }

  @Test
  void keyTextsRoundTrip() {
    NoteSigner signer = NoteSigner.generate("example.com/log42", RANDOM);
    String vkey = signer.verifierKey();
    // name + key hash + base64 of (0x01 Ed25519 type byte, 32-byte public key): 33 bytes, 44 chars
    assertThat(vkey).matches("example\\.com/log42\\+[0-9a-f]{8}\\+[A-Za-z0-9+/]{44}");
    assertThat(vkey)
        .startsWith("example.com/log42+" + String.format("%08x", signer.keyId()) + "+A");
    NoteVerifier v = NoteVerifier.parse(vkey);
    assertThat(v.verifierKey()).isEqualTo(vkey);
    assertThat(v.name()).isEqualTo("example.com/log42");
    assertThat(v.keyId()).isEqualTo(signer.keyId());
    assertThat(NoteVerifier.of("example.com/log42", v.publicKey()).verifierKey()).isEqualTo(vkey);

    String skey = signer.signerKey();
    assertThat(skey).startsWith("PRIVATE+KEY+example.com/log42+");
    NoteSigner again = NoteSigner.parse(skey);
    assertThat(again.signerKey()).isEqualTo(skey);
    assertThat(again.verifierKey()).isEqualTo(vkey);
    // Ed25519 is deterministic: the same key signs the same text identically.
    assertThat(again.sign("t\n")).isEqualTo(signer.sign("t\n"));
    // the private key's base64 may itself contain '+': cut at the known prefix, not the last '+'
    String prefix = "PRIVATE+KEY+example.com/log42+" + String.format("%08x", signer.keyId()) + "+";
    assertThat(skey).startsWith(prefix).hasSize(prefix.length() + 44);
    assertThat(signer.toString()).doesNotContain(skey.substring(prefix.length()));
  }

  @Test
  void keyTextsAsKeyFilesHoldThemParseWithTheirLineEnding() {
    NoteSigner signer = NoteSigner.generate("example.com/log42", RANDOM);
    for (String ending : new String[] {"\n", "\r\n", " \t\n\n"}) {
      // `hwledger ledger keygen` writes each key text with a newline, as a text file ends
      assertThat(NoteSigner.parse(signer.signerKey() + ending).signerKey())
          .isEqualTo(signer.signerKey());
      assertThat(NoteVerifier.parse(signer.verifierKey() + ending).verifierKey())
          .isEqualTo(signer.verifierKey());
      assertThat(NoteSigner.parse(ending + signer.signerKey()).keyId()).isEqualTo(signer.keyId());
    }
    assertThatThrownBy(() -> NoteSigner.parse(" \n"))
        .hasMessage("signer key does not start with PRIVATE+KEY+");
  }

  @Test
  void signRejectsTextThatCannotBeANote() {
    NoteSigner signer = NoteSigner.generate("n", RANDOM);
    assertThatThrownBy(() -> signer.sign("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> signer.sign("no newline"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> signer.sign("tab\there\n"))
        .hasMessage("note text holds control character U+0009 at 3");
    assertThatThrownBy(() -> NoteSigner.generate("a b", RANDOM))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NoteSigner.generate("a+b", RANDOM))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NoteSigner.generate("", RANDOM))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NoteSigner.generate("a\u00a0b", RANDOM))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String signatureLines(String note) {
    return note.substring(note.lastIndexOf("\n\n") + 2);
  }
}
