package io.hwledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Signed notes against the published vectors of golang.org/x/mod/sumdb/note ({@code note_test.go}
 * and the package documentation in {@code note.go}, github.com/golang/mod): key texts, key IDs and
 * an exact signed note. Ed25519 signatures are deterministic (RFC 8032), so signing the same text
 * with the same key must reproduce the published bytes.
 */
@Verifies("FR-LEDGER-005")
class SignedNoteTest {
  private static final String PETER_SKEY =
      "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
  private static final String PETER_VKEY =
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  private static final String ENOCH_VKEY =
      "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
  private static final String TEXT =
      """
      If you think cryptography is the answer to your problem,
      then you don't know what your problem is.
      """;
  private static final String PETER_SIG =
      "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
  private static final String ENOCH_SIG =
      "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

  @Test
  void signerReproducesThePublishedNote() {
    NoteSigner signer = NoteSigner.parse(PETER_SKEY);
    assertThat(signer.name()).isEqualTo("PeterNeumann");
    assertThat(signer.keyId()).isEqualTo(0xc74f20a3);
    assertThat(signer.verifierKey()).isEqualTo(PETER_VKEY);
    assertThat(signer.signerKey()).isEqualTo(PETER_SKEY);
    assertThat(signer.sign(TEXT)).isEqualTo(TEXT + "\n" + PETER_SIG);
  }

  @Test
  void verifierOpensThePublishedNotes() {
    NoteVerifier peter = NoteVerifier.parse(PETER_VKEY);
    NoteVerifier enoch = NoteVerifier.parse(ENOCH_VKEY);
    assertThat(peter.keyId()).isEqualTo(0xc74f20a3);
    assertThat(enoch.keyId()).isEqualTo(0xaf0cfe78);
    String both = TEXT + "\n" + PETER_SIG + ENOCH_SIG;
    assertThat(peter.open(both)).isEqualTo(TEXT);
    assertThat(enoch.open(both)).isEqualTo(TEXT);
    assertThat(peter.open(TEXT + "\n" + PETER_SIG)).isEqualTo(TEXT);
    assertThatThrownBy(() -> enoch.open(TEXT + "\n" + PETER_SIG))
        .isInstanceOf(CheckpointException.class)
        .hasMessage("signed note has no signature by key EnochRoot+af0cfe78");
    // Duplicated signatures, as in note_test.go, are accepted.
    assertThat(peter.open(TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG))
        .isEqualTo(TEXT);
  }

  @Test
  void invalidSignatureIsRejected() {
    NoteVerifier peter = NoteVerifier.parse(PETER_VKEY);
    String mangled = PETER_SIG.substring(0, 60) + "ABCD" + PETER_SIG.substring(60);
    assertThatThrownBy(() -> peter.open(TEXT + "\n" + mangled))
        .isInstanceOf(CheckpointException.class)
        .hasMessage("signature 1 by key PeterNeumann+c74f20a3 does not verify");
    assertThatThrownBy(() -> peter.open(TEXT + "\n" + PETER_SIG.repeat(101)))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("more than the 100 accepted");
  }

  /** note_test.go {@code TestOpen}'s malformed messages. */
  @Test
  void malformedNotesAreRejected() {
    NoteVerifier peter = NoteVerifier.parse(PETER_VKEY);
    List<String> bad =
        List.of(
            TEXT,
            TEXT + "\n",
            TEXT + "\n" + PETER_SIG.substring(0, PETER_SIG.length() - 1),
            "\u0001" + TEXT + "\n" + PETER_SIG,
            "\ud800" + TEXT + "\n" + PETER_SIG,
            TEXT
                + "\n"
                + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
            TEXT + "\n" + PETER_SIG + "Unexpected line.\n");
    for (String note : bad) {
      assertThatThrownBy(() -> peter.open(note))
          .as("%s", note)
          .isInstanceOf(CheckpointException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  /**
   * note_test.go {@code TestNewVerifier}: every proper substring and every one-byte change fails.
   */
  @Test
  void mangledVerifierKeysAreRejected() {
    assertThat(NoteVerifier.parse(PETER_VKEY).verifierKey()).isEqualTo(PETER_VKEY);
    for (String k : mangled(PETER_VKEY)) {
      assertThatThrownBy(() -> NoteVerifier.parse(k))
          .as("%s", k)
          .isInstanceOf(IllegalArgumentException.class);
    }
    // Wrong key length and unknown algorithm, each with a key ID adjusted to match (note_test.go).
    assertThatThrownBy(
            () ->
                NoteVerifier.parse(
                    "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                NoteVerifier.parse(
                    "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("verifier key for PeterNeumann is not an Ed25519 key (type 0x01 and 32 bytes)");
  }

  /** note_test.go {@code TestNewSigner}: every proper substring and every one-byte change fails. */
  @Test
  void mangledSignerKeysAreRejected() {
    for (String k : mangled(PETER_SKEY)) {
      assertThatThrownBy(() -> NoteSigner.parse(k))
          .as("%s", k)
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("AYEKFALVFGyNhPJEMzD1Q"));
    }
  }

  private static List<String> mangled(String key) {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i <= key.length(); i++) {
      for (int j = i + 1; j <= key.length(); j++) {
        if (i != 0 || j != key.length()) {
          out.add(key.substring(i, j));
        }
      }
    }
    for (int i = 0; i < key.length(); i++) {
      out.add(key.substring(0, i) + (char) (key.charAt(i) + 1) + key.substring(i + 1));
    }
    return out;
  }
}
