package io.hwledger.fleet.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.fleet.client.FleetClient;
import io.hwledger.fleet.pki.AgentKeys;
import io.hwledger.fleet.pki.Certificates;
import io.hwledger.fleet.pki.Credential;
import io.hwledger.fleet.pki.TlsContexts;
import io.hwledger.fleet.protocol.CertificateResponse;
import io.hwledger.fleet.protocol.EnrollRequest;
import io.hwledger.fleet.protocol.HostFacts;
import io.hwledger.fleet.protocol.JoinString;
import io.hwledger.fleet.protocol.Protocol;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An enrolled agent's identity in its data directory: {@code agent.pem} (key and certificate, one
 * file, owner-only), {@code ca.crt} (the fleet's CAs) and {@code agent.json} (its id, fleet and
 * server URL). {@link #join} creates it; renewal replaces key and certificate in place, and the
 * running client picks the new ones up at its next handshake. Thread-safe.
 */
public final class AgentIdentity {
  private static final ObjectMapper JSON = Protocol.json();

  private final Path dir;
  private final String agentId;
  private final String fleet;
  private final URI server;
  private final List<X509Certificate> trusted;
  private final AtomicReference<Credential> current;

  private AgentIdentity(
      Path dir,
      String agentId,
      String fleet,
      URI server,
      List<X509Certificate> trusted,
      Credential credential) {
    this.dir = dir;
    this.agentId = agentId;
    this.fleet = fleet;
    this.server = server;
    this.trusted = List.copyOf(trusted);
    this.current = new AtomicReference<>(credential);
  }

  /**
   * Enrolls with a join string: checks the server's CA against the pin before sending the token,
   * makes the key here (it never leaves the host), and saves what the server returns.
   *
   * @param join the join string from {@code hwledger fleet token create}
   * @param dir the agent's data directory; must not hold an identity yet
   * @param host what to tell the server about the host
   * @param labels pool labels for the agent's record
   * @param timeout connect and request timeout
   * @param clock the time the server's certificate is checked at: the host's clock
   * @return the new identity
   * @throws IOException if the files cannot be written
   * @throws io.hwledger.fleet.client.FleetClientException if the server refuses or is unreachable,
   *     or its CA does not match the pin, or its certificate is not valid at {@code clock}'s time
   *     (the message names both)
   */
  public static AgentIdentity join(
      JoinString join,
      Path dir,
      HostFacts host,
      Map<String, String> labels,
      Duration timeout,
      Clock clock)
      throws IOException {
    if (Files.exists(dir.resolve("agent.json"), LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException(
          dir + " already holds an agent identity; use another --data directory");
    }
    KeyPair keys = AgentKeys.generate(new SecureRandom());
    FleetClient pinned =
        FleetClient.of(join.server(), TlsContexts.pinned(join.caPin(), clock), timeout);
    CertificateResponse response =
        pinned.send(
            "POST",
            Protocol.ENROLL,
            new EnrollRequest(
                Protocol.VERSION,
                Base64.getEncoder().encodeToString(AgentKeys.request(keys)),
                host,
                labels),
            join.token(),
            CertificateResponse.class);
    Credential credential =
        new Credential(keys.getPrivate(), Certificates.parse(response.certificate()));
    Files.createDirectories(dir);
    credential.save(dir, "agent");
    writeCas(dir, response.trustedCas());
    ObjectNode meta = JSON.createObjectNode();
    meta.put("agentId", response.agentId());
    meta.put("fleet", response.fleet());
    meta.put("server", join.server().toString());
    Files.writeString(dir.resolve("agent.json"), meta.toString() + "\n", StandardCharsets.UTF_8);
    return load(dir);
  }

  /**
   * Reads an identity {@link #join} saved.
   *
   * @param dir the agent's data directory
   * @return the identity
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException naming a file that is not what it should be
   */
  public static AgentIdentity load(Path dir) throws IOException {
    Path metaFile = dir.resolve("agent.json");
    if (!Files.isRegularFile(metaFile, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException(
          dir + " holds no agent identity; run 'hwledger agent join' first");
    }
    JsonNode meta = JSON.readTree(Files.readString(metaFile, StandardCharsets.UTF_8));
    String id = meta.path("agentId").asText();
    String fleet = meta.path("fleet").asText();
    URI server = URI.create(meta.path("server").asText());
    return new AgentIdentity(
        dir,
        id,
        fleet,
        server,
        Certificates.read(dir.resolve("ca.crt")),
        Credential.load(dir, "agent"));
  }

  /**
   * Installs a renewed certificate and its fresh key: written to disk first, then served to new
   * handshakes.
   *
   * @param keys the fresh key pair the renewal request was made for
   * @param response the server's answer
   * @throws IOException if the files cannot be written
   */
  void renewed(KeyPair keys, CertificateResponse response) throws IOException {
    Credential next = new Credential(keys.getPrivate(), Certificates.parse(response.certificate()));
    next.save(dir, "agent");
    writeCas(dir, response.trustedCas());
    current.set(next);
  }

  private static void writeCas(Path dir, List<String> cas) throws IOException {
    Files.writeString(dir.resolve("ca.crt"), String.join("", cas), StandardCharsets.US_ASCII);
  }

  /**
   * A client presenting the current certificate.
   *
   * @param timeout connect and request timeout
   * @param clock the time the server's certificate is checked at: the host's clock
   * @return the client
   */
  public FleetClient client(Duration timeout, Clock clock) {
    return client(timeout, clock, List.of());
  }

  /**
   * A client presenting the current certificate to the server it enrolled with, and to {@code
   * otherServers} of the same fleet when that one does not answer (ADR 0022).
   *
   * @param timeout connect and request timeout
   * @param clock the time the server's certificate is checked at: the host's clock
   * @param otherServers more servers of the fleet, tried in order after the first
   * @return the client
   */
  public FleetClient client(Duration timeout, Clock clock, List<URI> otherServers) {
    List<URI> servers = new ArrayList<>();
    servers.add(server);
    otherServers.stream().filter(u -> !u.equals(server)).forEach(servers::add);
    return FleetClient.of(servers, TlsContexts.client(current::get, trusted, clock), timeout);
  }

  /**
   * The current credential.
   *
   * @return its key and certificate
   */
  public Credential credential() {
    return current.get();
  }

  /**
   * The agent's id, a UUID the server assigned.
   *
   * @return the id
   */
  public String agentId() {
    return agentId;
  }

  /**
   * The fleet's id.
   *
   * @return the fleet id
   */
  public String fleet() {
    return fleet;
  }

  /**
   * The server's URL.
   *
   * @return the URL
   */
  public URI server() {
    return server;
  }

  /**
   * The data directory.
   *
   * @return the directory
   */
  public Path dir() {
    return dir;
  }

  @Override
  public String toString() {
    return "AgentIdentity[" + agentId + " of " + fleet + " at " + server + "]";
  }
}
