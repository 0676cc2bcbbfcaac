package io.hwledger.fleet.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.testsupport.Verifies;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The request timer's endpoint tag: from a fixed set, whatever path a client sends. */
@Verifies("FR-FLEET-016")
class RoutesEndpointTest {
  private static final String AGENT = "/v1/agents/3f0c2a4e-1b2c-4d5e-8f90-123456789abc/";

  @ParameterizedTest
  @CsvSource({
    "/v1/enroll, enroll",
    "/v1/renew, renew",
    "/healthz, healthz",
    AGENT + "heartbeat, agent.heartbeat",
    AGENT + "telemetry, agent.telemetry",
    AGENT + "models, agent.models",
    AGENT + "jobs/job-6ad129058a2eace, agent.jobs",
    "/v1/admin/jobs, admin.jobs",
    "/v1/admin/jobs/job-6ad129058a2eace/cancel, admin.jobs",
    "/v1/admin/operators/alice/revoke, admin.operators",
    "/v1/admin/metrics, admin.metrics",
    "/v1/admin/ssh, admin.ssh",
    "/v1/admin/ssh/me%40lab-3%3A22/test, admin.ssh",
    "/v1/admin/sshd, other",
    // anything else is one tag, so a client cannot grow the registry with made-up paths
    "/v1/agents/not-a-uuid/heartbeat, other",
    "/v1/admin/../../etc/passwd, other",
    "/favicon.ico, other"
  })
  void aPathNamesItsEndpoint(String path, String endpoint) {
    assertThat(Routes.endpoint(path)).isEqualTo(endpoint);
  }
}
