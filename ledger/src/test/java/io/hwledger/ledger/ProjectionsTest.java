package io.hwledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

@Verifies("FR-LEDGER-008")
class ProjectionsTest {

  private static RecordedEvent event(long seq, String type) {
    return new RecordedEvent(
        seq,
        Instant.ofEpochSecond(1_700_000_000L + seq),
        type,
        1,
        "{}".getBytes(StandardCharsets.UTF_8),
        new byte[32]);
  }

  /** Concatenates the types it sees, ignoring "noise". */
  private static final Projection<String> TYPES =
      new Projection<>() {
        @Override
        public String initial() {
          return "";
        }

        @Override
        public String apply(String state, RecordedEvent event) {
          return event.type().equals("noise") ? state : state + event.type() + ";";
        }
      };

  @Test
  void foldsInOrder() {
    List<RecordedEvent> events = List.of(event(0, "a"), event(1, "noise"), event(5, "b"));
    assertThat(Projections.replay(events, TYPES)).isEqualTo("a;b;");
    assertThat(Projections.replay(List.of(), TYPES)).isEmpty();
  }

  @Test
  void continuesFromASnapshot() {
    assertThat(Projections.replay(List.of(event(7, "c")), TYPES, "a;b;")).isEqualTo("a;b;c;");
  }

  @Test
  void rejectsEventsOutOfOrder() {
    assertThatThrownBy(() -> Projections.replay(List.of(event(3, "a"), event(3, "b")), TYPES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("events out of order: seq 3 after seq 3");
  }

  @Test
  void rejectsNullStates() {
    Projection<String> broken =
        new Projection<>() {
          @Override
          public String initial() {
            return "";
          }

          @Override
          public String apply(String state, RecordedEvent event) {
            return null;
          }
        };
    assertThatThrownBy(() -> Projections.replay(List.of(event(4, "a")), broken))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("projection returned a null state for seq 4");
  }

  @Test
  void recordedEventCopiesArraysAndComparesContents() {
    byte[] payload = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    byte[] hash = new byte[32];
    hash[0] = (byte) 0xab;
    RecordedEvent e = new RecordedEvent(2, Instant.EPOCH, "x", 1, payload, hash);
    payload[0] = 'X';
    hash[1] = 1;
    e.payload()[0] = 'Y';
    e.hash()[0] = 0;
    assertThat(e.payloadJson()).isEqualTo("{\"a\":1}");
    assertThat(e.hashHex())
        .isEqualTo("ab00000000000000000000000000000000000000000000000000000000000000");
    RecordedEvent same =
        new RecordedEvent(
            2, Instant.EPOCH, "x", 1, "{\"a\":1}".getBytes(StandardCharsets.UTF_8), e.hash());
    assertThat(e).isEqualTo(same).hasSameHashCodeAs(same);
    assertThatThrownBy(() -> new RecordedEvent(-1, Instant.EPOCH, "x", 1, payload, hash))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("seq must not be negative, was -1");
  }
}
