package io.hwledger.fleet.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.testsupport.Verifies;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A job's {@code imatrix} member on the wire: optional, and absent means false. */
@Verifies("FR-PLAN-022")
class JobSpecJsonTest {
  private final ObjectMapper json = Protocol.json();

  private static JobSpec job(boolean imatrix) {
    return new JobSpec(
        Protocol.VERSION,
        "llama-3.1-8b",
        null,
        null,
        "/models/Llama-3.1-8B-IQ4_XS.gguf",
        "llama.cpp",
        Map.of(),
        8192,
        1,
        "IQ4_XS",
        null,
        1,
        null,
        imatrix);
  }

  @Test
  void imatrixTravelsAndAnOlderBodyWithoutItReadsAsFalse() throws Exception {
    JobSpec with = job(true);
    String text = json.writeValueAsString(with);
    assertThat(json.readTree(text).get("imatrix").asBoolean()).isTrue();
    assertThat(json.readValue(text, JobSpec.class)).isEqualTo(with);

    // false is left out: the body a client (or a ledger entry) wrote before the member existed
    String without = json.writeValueAsString(job(false));
    assertThat(json.readTree(without).has("imatrix")).isFalse();
    JobSpec read = json.readValue(without, JobSpec.class);
    assertThat(read.imatrix()).isFalse();
    assertThat(read).isEqualTo(job(false));
    ObjectNode explicitNull = (ObjectNode) json.readTree(without);
    explicitNull.putNull("imatrix");
    assertThat(json.readValue(explicitNull.toString(), JobSpec.class)).isEqualTo(job(false));
    // the constructor without it is the same job
    assertThat(
            new JobSpec(
                Protocol.VERSION,
                "llama-3.1-8b",
                null,
                null,
                "/models/Llama-3.1-8B-IQ4_XS.gguf",
                "llama.cpp",
                Map.of(),
                8192,
                1,
                "IQ4_XS",
                null,
                1,
                null))
        .isEqualTo(job(false));
  }

  @Test
  void imatrixWithoutWeightsIsRefusedInOneLine() {
    assertThatThrownBy(
            () ->
                new JobSpec(
                    Protocol.VERSION,
                    "llama-3.1-8b",
                    null,
                    null,
                    null,
                    "llama.cpp",
                    Map.of(),
                    8192,
                    1,
                    null,
                    null,
                    1,
                    null,
                    true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("imatrix applies to a llama.cpp file type: name one in weights");
  }
}
