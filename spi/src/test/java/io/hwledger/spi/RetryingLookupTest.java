package io.hwledger.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.testsupport.Verifies;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

@Verifies("FR-TELEMETRY-013")
class RetryingLookupTest {
  @Test
  void aFailureIsRepeatedOnlyAfterTheIntervalAndASuccessIsKept() {
    AtomicLong nanos = new AtomicLong();
    AtomicInteger lookups = new AtomicInteger();
    Deque<String> outcomes = new ArrayDeque<>(List.of("missing", "missing", "found", "missing"));
    RetryingLookup<String> lookup =
        new RetryingLookup<>(
            () -> {
              lookups.incrementAndGet();
              return outcomes.removeFirst();
            },
            "found"::equals,
            Duration.ofSeconds(30),
            nanos::get);

    assertThat(lookup.get()).isEqualTo("missing");
    nanos.addAndGet(Duration.ofSeconds(29).toNanos()); // within 30 s: the failure, not dlopen again
    assertThat(lookup.get()).isEqualTo("missing");
    assertThat(lookups).hasValue(1);

    nanos.addAndGet(Duration.ofSeconds(1).toNanos()); // 30 s after the first: looked up again
    assertThat(lookup.get()).isEqualTo("missing");
    assertThat(lookups).hasValue(2);

    nanos.addAndGet(Duration.ofSeconds(30).toNanos()); // the driver is there now
    assertThat(lookup.get()).isEqualTo("found");
    nanos.addAndGet(Duration.ofHours(1).toNanos()); // and kept, never looked up again
    assertThat(lookup.get()).isEqualTo("found");
    assertThat(lookups).hasValue(3);
  }
}
