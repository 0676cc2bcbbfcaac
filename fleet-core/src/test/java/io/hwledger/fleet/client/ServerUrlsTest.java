package io.hwledger.fleet.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An operator's {@code server.url}: the fleet's servers, one per line, in the order tried. */
@Verifies("FR-STORE-014")
class ServerUrlsTest {
  @TempDir Path dir;

  @Test
  void listsEveryServerInOrderSkippingBlankLines() throws Exception {
    Path file = write("https://fleet-a.example:8443\n\n  https://10.0.0.6:8443  \n");
    assertThat(FleetClient.serverUrls(file))
        .containsExactly(
            URI.create("https://fleet-a.example:8443"), URI.create("https://10.0.0.6:8443"));
  }

  @Test
  void aLineThatIsNotAnHttpsUrlIsNamedByItsNumber() throws Exception {
    Path plain = write("https://fleet-a.example:8443\nhttp://fleet-b.example:8443\n");
    assertThatThrownBy(() -> FleetClient.serverUrls(plain))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(plain + " line 2: not an https URL with a host");
    Path broken = write("https://fleet a:8443\n");
    assertThatThrownBy(() -> FleetClient.serverUrls(broken))
        .hasMessage(broken + " line 1: not a URL");
  }

  @Test
  void aFileWithoutAUrlIsRefused() throws Exception {
    Path empty = write("\n  \n");
    assertThatThrownBy(() -> FleetClient.serverUrls(empty))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(empty + ": lists no server URL");
  }

  private Path write(String text) throws Exception {
    Path file = Files.createTempFile(dir, "server", ".url");
    Files.writeString(file, text, StandardCharsets.US_ASCII);
    return file;
  }
}
