package io.hwledger.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.tck.confinement.clean.CleanBackend;
import io.hwledger.tck.confinement.leakycall.LeakyCall;
import io.hwledger.tck.confinement.leakyimport.LeakyImport;
import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Runs {@link JnaConfinementContract} on fixtures that keep and break the rule. */
@Verifies("FR-TELEMETRY-009")
class JnaConfinementContractTest {

  /** The contract anchored at one fixture class. */
  private static final class Check extends JnaConfinementContract {
    private final Class<?> anchor;

    Check(Class<?> anchor) {
      this.anchor = anchor;
    }

    @Override
    protected Class<?> backendClass() {
      return anchor;
    }
  }

  @Test
  void aBackendThatKeepsJnaInItsJnaPackagePasses() {
    assertThatCode(() -> new Check(CleanBackend.class).jnaStaysInJnaPackages())
        .doesNotThrowAnyException();
  }

  @Test
  void aJnaTypeOutsideAJnaPackageFails() {
    assertThatThrownBy(() -> new Check(LeakyImport.class).jnaStaysInJnaPackages())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "io.hwledger.tck.confinement.leakyimport.LeakyImport refers to"
                + " com.sun.jna.ptr.IntByReference");
  }

  @Test
  void aCallThroughAJnaBindingOutsideAJnaPackageFails() {
    assertThatThrownBy(() -> new Check(LeakyCall.class).jnaStaysInJnaPackages())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "io.hwledger.tck.confinement.leakycall.LeakyCall refers to"
                + " io.hwledger.tck.confinement.leakycall.jna.LeakyLibrary, a JNA type"
                + " (com.sun.jna.Library)")
        .hasMessageNotContaining("com.sun.jna.ptr");
  }

  @Test
  void anAnchorWithoutClassFilesIsRefused() {
    // java.lang.String comes from the JDK's runtime image: no directory or jar to read.
    assertThatThrownBy(() -> new Check(String.class).jnaStaysInJnaPackages())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no code source");
  }

  @Test
  void readsTheClassesAClassFileNames() throws IOException {
    try (InputStream in =
        Objects.requireNonNull(CleanBackend.class.getResourceAsStream("CleanBackend.class"))) {
      assertThat(ClassReferences.of(in))
          .contains(
              "io/hwledger/tck/confinement/clean/CleanBackend",
              "io/hwledger/tck/confinement/clean/CleanApi",
              "io/hwledger/tck/confinement/clean/jna/CleanBinding",
              "java/lang/Object")
          .noneMatch(name -> name.startsWith("com/sun/jna/"));
    }
  }
}
