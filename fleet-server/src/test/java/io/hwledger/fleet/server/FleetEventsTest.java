package io.hwledger.fleet.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.testsupport.Verifies;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The size of what a decision writes to the ledger does not grow with the fleet. */
@Verifies("FR-FLEET-009")
class FleetEventsTest {
  @Test
  void aRefusalInALargeFleetKeepsThirtyTwoReasonsAndTheirCount() throws Exception {
    List<String> reasons = new ArrayList<>();
    for (int i = 0; i < 16_000; i++) {
      reasons.add("agent a GPU " + i + " (NVIDIA H100 80GB HBM3): needs 72.0 GiB, allocatable 0 B");
    }
    LedgerEvent e = FleetEvents.jobRefused("job-1", reasons);

    JsonNode p = new ObjectMapper().readTree(new String(e.payload(), StandardCharsets.UTF_8));
    assertThat(p.path("reasonCount").asInt()).isEqualTo(16_000);
    assertThat(p.path("reasons")).hasSize(32);
    assertThat(p.path("reasons").get(31).asText()).startsWith("agent a GPU 31 ");
    // 32 reasons of under 100 bytes each, whatever the fleet's size
    assertThat(e.payload().length).isLessThan(4_000);
  }
}
