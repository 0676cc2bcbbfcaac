package io.hwledger.fleet.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.fleet.protocol.GpuInfo;
import io.hwledger.fleet.protocol.HostFacts;
import io.hwledger.fleet.protocol.JobSpec;
import io.hwledger.fleet.protocol.JobState;
import io.hwledger.fleet.protocol.ModelFile;
import io.hwledger.fleet.protocol.Protocol;
import io.hwledger.fleet.protocol.SshTargetRequest;
import io.hwledger.ledger.LedgerEvent;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The fleet's ledger events (FLEET.md §9), schema version 1 each. Payloads hold identities, serial
 * numbers, hashes and numbers — never a token secret, a key or a job's log.
 */
final class FleetEvents {
  static final String TOKEN_CREATED = "fleet.token.created";
  static final String TOKEN_USED = "fleet.token.used";
  static final String TOKEN_REVOKED = "fleet.token.revoked";
  static final String AGENT_ENROLLED = "fleet.agent.enrolled";
  static final String AGENT_RENEWED = "fleet.agent.renewed";
  static final String AGENT_REVOKED = "fleet.agent.revoked";
  static final String AGENT_STATE = "fleet.agent.state";
  static final String AGENT_INVENTORY = "fleet.agent.inventory";
  static final String AGENT_MODELS = "fleet.agent.models";
  static final String JOB_SUBMITTED = "fleet.job.submitted";
  static final String JOB_PLACED = "fleet.job.placed";
  static final String JOB_UNPLACED = "fleet.job.unplaced";
  static final String JOB_REFUSED = "fleet.job.refused";
  static final String JOB_STATE = "fleet.job.state";
  static final String JOB_CANCEL = "fleet.job.cancel";
  static final String GPU_DAILY = "fleet.gpu.daily";
  static final String ADMIN_ISSUED = "fleet.admin.issued";
  static final String ADMIN_REVOKED = "fleet.admin.revoked";
  static final String SSH_ADDED = "fleet.ssh.added";
  static final String SSH_REMOVED = "fleet.ssh.removed";
  static final String SSH_INVENTORY = "fleet.ssh.inventory";
  static final String SSH_STATE = "fleet.ssh.state";
  static final String SSH_HOSTKEY_LEARNED = "fleet.ssh.hostkey.learned";
  static final String SSH_HOSTKEY_REFUSED = "fleet.ssh.hostkey.refused";
  static final String SERVER_LEADING = "fleet.server.leading";
  static final int VERSION = 1;

  /** The most reasons a {@code fleet.job.refused} record keeps. */
  static final int MAX_RECORDED_REASONS = 32;

  private static final ObjectMapper JSON = Protocol.json();

  private FleetEvents() {}

  static LedgerEvent tokenCreated(
      String tokenId,
      String secretSha256,
      long expiresAtMillis,
      int uses,
      Map<String, String> labels,
      String by) {
    ObjectNode p = JSON.createObjectNode();
    p.put("tokenId", tokenId);
    p.put("secretSha256", secretSha256);
    p.put("expiresAt", expiresAtMillis);
    p.put("uses", uses);
    p.set("labels", JSON.valueToTree(labels));
    p.put("by", by);
    return event(TOKEN_CREATED, p);
  }

  static LedgerEvent tokenUsed(String tokenId, String agentId) {
    ObjectNode p = JSON.createObjectNode();
    p.put("tokenId", tokenId);
    p.put("agentId", agentId);
    return event(TOKEN_USED, p);
  }

  static LedgerEvent tokenRevoked(String tokenId, String by) {
    ObjectNode p = JSON.createObjectNode();
    p.put("tokenId", tokenId);
    p.put("by", by);
    return event(TOKEN_REVOKED, p);
  }

  static LedgerEvent agentEnrolled(
      String agentId,
      String serial,
      long notAfterMillis,
      String tokenId,
      HostFacts host,
      Map<String, String> labels) {
    ObjectNode p = JSON.createObjectNode();
    p.put("agentId", agentId);
    p.put("serial", serial);
    p.put("notAfter", notAfterMillis);
    p.put("tokenId", tokenId);
    p.set("host", JSON.valueToTree(host));
    p.set("labels", JSON.valueToTree(labels));
    return event(AGENT_ENROLLED, p);
  }

  static LedgerEvent agentRenewed(
      String agentId,
      String serial,
      long notAfterMillis,
      String previousSerial,
      long previousValidUntilMillis) {
    ObjectNode p = JSON.createObjectNode();
    p.put("agentId", agentId);
    p.put("serial", serial);
    p.put("notAfter", notAfterMillis);
    p.put("previousSerial", previousSerial);
    p.put("previousValidUntil", previousValidUntilMillis);
    return event(AGENT_RENEWED, p);
  }

  static LedgerEvent agentRevoked(String agentId, String by) {
    ObjectNode p = JSON.createObjectNode();
    p.put("agentId", agentId);
    p.put("by", by);
    return event(AGENT_REVOKED, p);
  }

  static LedgerEvent agentState(String agentId, AgentStatus state, String reason) {
    ObjectNode p = JSON.createObjectNode();
    p.put("agentId", agentId);
    p.put("state", state.name());
    p.put("reason", reason);
    return event(AGENT_STATE, p);
  }

  static LedgerEvent agentInventory(String agentId, HostFacts host, List<GpuInfo> gpus) {
    ObjectNode p = JSON.createObjectNode();
    p.put("agentId", agentId);
    p.set("host", JSON.valueToTree(host));
    p.set("gpus", JSON.valueToTree(gpus));
    return event(AGENT_INVENTORY, p);
  }

  /**
   * The model checkpoints an agent reports, each with the model and weight bytes it was read as (or
   * its error): what a model-file job was planned with is in the ledger, and replays.
   */
  static LedgerEvent agentModels(String agentId, List<ModelFile> files) {
    ObjectNode p = JSON.createObjectNode();
    p.put("agentId", agentId);
    p.set("files", JSON.valueToTree(files));
    return event(AGENT_MODELS, p);
  }

  static LedgerEvent jobSubmitted(String jobId, JobSpec spec, String by) {
    ObjectNode p = JSON.createObjectNode();
    p.put("jobId", jobId);
    p.set("spec", JSON.valueToTree(spec));
    p.put("by", by);
    return event(JOB_SUBMITTED, p);
  }

  /** One placed GPU: its claim and what it had when the decision was made. */
  record PlacedGpu(
      String uuid, int index, long claimBytes, long allocatableBytes, long measuredFreeBytes) {}

  static LedgerEvent jobPlaced(
      String jobId,
      String agentId,
      String vendor,
      List<PlacedGpu> gpus,
      long planSeq,
      String planHash,
      List<String> command) {
    ObjectNode p = JSON.createObjectNode();
    p.put("jobId", jobId);
    p.put("agentId", agentId);
    p.put("vendor", vendor);
    p.set("gpus", JSON.valueToTree(gpus));
    p.put("planSeq", planSeq);
    p.put("planHash", planHash);
    p.set("command", JSON.valueToTree(command));
    return event(JOB_PLACED, p);
  }

  static LedgerEvent jobUnplaced(String jobId, String agentId, String reason) {
    ObjectNode p = JSON.createObjectNode();
    p.put("jobId", jobId);
    p.put("agentId", agentId);
    p.put("reason", reason);
    return event(JOB_UNPLACED, p);
  }

  /**
   * A refusal as the ledger keeps it: the first {@value #MAX_RECORDED_REASONS} reasons and how many
   * there were. The operator's answer carries every GPU's reason; the record's size must not grow
   * with the fleet (one reason per GPU is about 147 B, 117 KB at 800 GPUs).
   */
  static LedgerEvent jobRefused(String jobId, List<String> reasons) {
    ObjectNode p = JSON.createObjectNode();
    p.put("jobId", jobId);
    ArrayNode r = p.putArray("reasons");
    reasons.stream().limit(MAX_RECORDED_REASONS).forEach(r::add);
    p.put("reasonCount", reasons.size());
    return event(JOB_REFUSED, p);
  }

  static LedgerEvent jobState(
      String jobId,
      String agentId,
      JobState state,
      @Nullable Integer exitCode,
      @Nullable String message) {
    ObjectNode p = JSON.createObjectNode();
    p.put("jobId", jobId);
    p.put("agentId", agentId);
    p.put("state", state.name());
    if (exitCode != null) {
      p.put("exitCode", exitCode);
    }
    if (message != null) {
      p.put("message", message);
    }
    return event(JOB_STATE, p);
  }

  static LedgerEvent jobCancel(String jobId, String by) {
    ObjectNode p = JSON.createObjectNode();
    p.put("jobId", jobId);
    p.put("by", by);
    return event(JOB_CANCEL, p);
  }

  /** A GPU's day, summarised: the ledger's only telemetry, one event per GPU per day. */
  static LedgerEvent gpuDaily(
      String uuid,
      String agentId,
      String day,
      long samples,
      long maxUsedBytes,
      long meanUtilizationPercent) {
    ObjectNode p = JSON.createObjectNode();
    p.put("uuid", uuid);
    p.put("agentId", agentId);
    p.put("day", day);
    p.put("samples", samples);
    p.put("maxUsedBytes", maxUsedBytes);
    p.put("meanUtilizationPercent", meanUtilizationPercent);
    return event(GPU_DAILY, p);
  }

  /**
   * An operator certificate the server now accepts for {@code name}, replacing any earlier one.
   * {@code at} is the server's time, in the event so that replay gives the same answers.
   */
  static LedgerEvent adminIssued(
      String name, String serial, long notAfterMillis, String by, long atMillis) {
    ObjectNode p = JSON.createObjectNode();
    p.put("name", name);
    p.put("serial", serial);
    p.put("notAfter", notAfterMillis);
    p.put("by", by);
    p.put("at", atMillis);
    return event(ADMIN_ISSUED, p);
  }

  /** Every certificate of operator {@code name} refused from now on; its serial if one is known. */
  static LedgerEvent adminRevoked(String name, @Nullable String serial, String by, long atMillis) {
    ObjectNode p = JSON.createObjectNode();
    p.put("name", name);
    if (serial != null) {
      p.put("serial", serial);
    }
    p.put("by", by);
    p.put("at", atMillis);
    return event(ADMIN_REVOKED, p);
  }

  /** A host polled over SSH from now on, as the operator asked (paths and addresses, no secret). */
  static LedgerEvent sshAdded(SshTargetRequest request, String by) {
    ObjectNode p = JSON.createObjectNode();
    p.put("address", request.address());
    if (request.keyFile() != null) {
      p.put("keyFile", request.keyFile());
    }
    p.set("jumps", JSON.valueToTree(request.jumps()));
    if (request.knownHosts() != null) {
      p.put("knownHosts", request.knownHosts());
    }
    p.put("acceptNew", request.acceptNew());
    p.put("by", by);
    return event(SSH_ADDED, p);
  }

  static LedgerEvent sshRemoved(String address, String by) {
    ObjectNode p = JSON.createObjectNode();
    p.put("address", address);
    p.put("by", by);
    return event(SSH_REMOVED, p);
  }

  /** An SSH host's facts and GPUs, recorded when they change, as an agent's inventory is. */
  static LedgerEvent sshInventory(String address, HostFacts host, List<GpuInfo> gpus) {
    ObjectNode p = JSON.createObjectNode();
    p.put("address", address);
    p.set("host", JSON.valueToTree(host));
    p.set("gpus", JSON.valueToTree(gpus));
    return event(SSH_INVENTORY, p);
  }

  /**
   * An SSH host's polls started to succeed ({@code failure} null) or to fail with another kind of
   * failure ({@code AUTHENTICATION}, {@code CHANGED_HOST_KEY}, …): recorded on change only.
   */
  static LedgerEvent sshState(String address, @Nullable String failure, @Nullable String message) {
    ObjectNode p = JSON.createObjectNode();
    p.put("address", address);
    p.put("state", failure == null ? "ok" : "failing");
    if (failure != null) {
      p.put("failure", failure);
      p.put("message", message);
    }
    return event(SSH_STATE, p);
  }

  /**
   * A host key seen for the first time and learned ({@code --accept-new}): the key in OpenSSH's
   * public-key form, so later sessions are checked against it.
   */
  static LedgerEvent sshHostKeyLearned(String hostPort, String fingerprint, String publicKey) {
    ObjectNode p = JSON.createObjectNode();
    p.put("hostPort", hostPort);
    p.put("fingerprint", fingerprint);
    p.put("publicKey", publicKey);
    return event(SSH_HOSTKEY_LEARNED, p);
  }

  /** A host key refused: unknown under strict checking, or changed. */
  static LedgerEvent sshHostKeyRefused(String hostPort, String fingerprint, String reason) {
    ObjectNode p = JSON.createObjectNode();
    p.put("hostPort", hostPort);
    p.put("fingerprint", fingerprint);
    p.put("reason", reason);
    return event(SSH_HOSTKEY_REFUSED, p);
  }

  /**
   * A fleet server took the shared ledger over and leads: it decides, and the others redirect
   * writes to {@code url} (ADR 0022).
   */
  static LedgerEvent serverLeading(String url, long sinceMillis) {
    ObjectNode p = JSON.createObjectNode();
    p.put("url", url);
    p.put("since", sinceMillis);
    return event(SERVER_LEADING, p);
  }

  private static LedgerEvent event(String type, ObjectNode payload) {
    return LedgerEvent.of(type, VERSION, payload.toString());
  }
}
