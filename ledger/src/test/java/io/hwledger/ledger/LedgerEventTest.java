package io.hwledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LedgerEventTest {

  @Test
  void ofCanonicalisesThePayload() {
    LedgerEvent event =
        LedgerEvent.of("device.registered", 1, "{ \"b\": [1.50, 2e1], \"a\": \"\\u00e9\" }");
    assertThat(event.type()).isEqualTo("device.registered");
    assertThat(event.schemaVersion()).isEqualTo(1);
    assertThat(event.payloadJson()).isEqualTo("{\"a\":\"\u00e9\",\"b\":[1.5,20]}");
    assertThat(event.payload())
        .isEqualTo("{\"a\":\"\u00e9\",\"b\":[1.5,20]}".getBytes(StandardCharsets.UTF_8));
    assertThat(event.payloadLength()).isEqualTo(23);
  }

  @Test
  void payloadIsCopiedInAndOut() {
    byte[] bytes = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    LedgerEvent event = new LedgerEvent("x", 1, bytes);
    bytes[6] = '}';
    event.payload()[1] = 'X';
    assertThat(event.payloadJson()).isEqualTo("{\"a\":1}");
  }

  @Test
  void equalityIsByContent() {
    LedgerEvent a = LedgerEvent.of("job.finished", 1, "{\"x\":1,\"y\":2}");
    LedgerEvent b = LedgerEvent.of("job.finished", 1, "{\"y\":2.0,\"x\":1}");
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(LedgerEvent.of("job.finished", 2, "{\"x\":1,\"y\":2}"));
    assertThat(a.toString())
        .isEqualTo("LedgerEvent[type=job.finished, schemaVersion=1, payload={\"x\":1,\"y\":2}]");
  }

  @Test
  void constructorAcceptsOnlyCanonicalBytes() {
    assertThatThrownBy(
            () -> new LedgerEvent("x", 1, "{\"b\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not in RFC 8785 canonical form");
    assertThatThrownBy(() -> new LedgerEvent("x", 1, "{ }".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not in RFC 8785 canonical form");
    assertThatThrownBy(() -> new LedgerEvent("x", 1, new byte[] {'"', (byte) 0xc3, '"'}))
        .hasMessage("payload is not valid UTF-8");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1,2]", "\"text\"", "42", "null"})
  void payloadMustBeAnObject(String json) {
    assertThatThrownBy(() -> LedgerEvent.of("x", 1, json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("payload of x: a JSON object is required at the top level");
  }

  @Test
  void invalidPayloadMessageNamesTheType() {
    assertThatThrownBy(() -> LedgerEvent.of("plan.computed", 1, "{\"a\":1,\"a\":2}"))
        .hasMessageStartingWith("payload of plan.computed: invalid JSON at line 1")
        .hasMessageContaining("Duplicate");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Device.Registered", "device registered", "gpu/x", "caf\u00e9"})
  void rejectsBadTypes(String type) {
    assertThatThrownBy(() -> LedgerEvent.of(type, 1, "{}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("event type must be 1 to 128 characters of [a-z0-9_.-]");
  }

  @Test
  void typeLengthLimit() {
    assertThat(LedgerEvent.of("a".repeat(128), 1, "{}").type()).hasSize(128);
    assertThatThrownBy(() -> LedgerEvent.of("a".repeat(129), 1, "{}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(LedgerEvent.of("gpu_x-9.y", 1, "{}").type()).isEqualTo("gpu_x-9.y");
  }

  @Test
  void rejectsSchemaVersionBelowOne() {
    assertThatThrownBy(() -> LedgerEvent.of("x", 0, "{}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("schemaVersion must be at least 1, was 0");
  }
}
