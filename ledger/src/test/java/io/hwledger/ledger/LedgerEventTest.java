package io.hwledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@Verifies("FR-LEDGER-006")
class LedgerEventTest {
  private static final long SEED = Long.getLong("hwledger.seed", System.nanoTime());

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // written | stored: the same value in RFC 8785's spelling
        "1.0 | 1",
        "1E30 | 1e+30",
        "0.1 | 0.1",
        "-0.0 | 0",
        "4.50 | 4.5",
        "9007199254740992 | 9007199254740992", // 2^53
        "-9007199254740992 | -9007199254740992",
        "18014398509481984 | 18014398509481984", // 2^54: its shortest digits are all of it
        "1e-7 | 1e-7",
        "123456789012345680000 | 123456789012345680000"
      })
  void numbersAreStoredWithTheValueWritten(String written, String stored) {
    assertThat(LedgerEvent.of("n", 1, "{\"v\":" + written + "}").payloadJson())
        .isEqualTo("{\"v\":" + stored + "}");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // written | what a double would have made of it
        "9007199254740993 | 9007199254740992", // 2^53 + 1
        "-9007199254740993 | -9007199254740992",
        // 2^60 is a double, but RFC 8785 writes the double's shortest digits, another integer
        "1152921504606846976 | 1152921504606847000",
        "123456789012345678901234567890 | 1.2345678901234568e+29",
        "0.30000000000000001 | 0.3",
        "333333333.33333329 | 333333333.3333333",
        "3.141592653589793238 | 3.141592653589793"
      })
  void numbersADoubleWouldAlterAreRefusedNotAltered(String written, String altered) {
    assertThatThrownBy(() -> LedgerEvent.of("n", 1, "{\"id\":" + written + "}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("number " + written.replace("E", "e"))
        .hasMessageContaining("cannot be stored exactly")
        .hasMessageContaining("would make it " + altered)
        .hasMessageContaining("send it as a string");
  }

  static Stream<Long> longs() {
    SplittableRandom random = new SplittableRandom(SEED);
    System.out.println(
        "LedgerEventTest seed: " + SEED + " (rerun with -Dhwledger.seed=" + SEED + ")");
    return LongStream.range(0, 300).mapToObj(i -> random.nextLong() >> random.nextInt(64));
  }

  @ParameterizedTest
  @MethodSource("longs")
  void anIntegerIsStoredDigitForDigitOrRefusedNeverAltered(long value) {
    String json = "{\"v\":" + value + "}";
    String stored;
    try {
      stored = LedgerEvent.of("n", 1, json).payloadJson();
    } catch (IllegalArgumentException e) {
      assertThat(e).hasMessageContaining("cannot be stored exactly");
      // up to 2^53 every integer is a double and is written digit for digit
      assertThat(Math.abs(value)).isGreaterThan(1L << 53);
      return;
    }
    String number = stored.substring("{\"v\":".length(), stored.length() - 1);
    // stored with the value written (even where that is not a double's exact value, when its
    // digits are the shortest that read back as the nearest double, as for -68794875429667970)
    assertThat(new BigDecimal(number)).isEqualByComparingTo(BigDecimal.valueOf(value));
  }

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
