package io.hwledger.fleet.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The protocol's constants: its version, the request paths, the limits both sides enforce, and the
 * one JSON mapper configuration they share.
 */
public final class Protocol {
  /** The protocol version every body carries as {@code "v"}; a server refuses any other. */
  public static final int VERSION = 1;

  /** The largest request body the server reads, bytes; anything larger is refused with 413. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  /** Enrollment: a join token as bearer, a CSR in the body; no client certificate yet. */
  public static final String ENROLL = "/v1/enroll";

  /** Certificate renewal over mutual TLS, with a CSR for a fresh key. */
  public static final String RENEW = "/v1/renew";

  /** The prefix of every agent's own resources: {@code /v1/agents/{agentId}/...}. */
  public static final String AGENTS = "/v1/agents/";

  /** The prefix of every operator request; only admin certificates reach it. */
  public static final String ADMIN = "/v1/admin/";

  /** How often the server writes a keepalive line on an idle watch stream, milliseconds. */
  public static final long KEEPALIVE_MILLIS = 15_000;

  /** How long an agent waits on a silent watch stream before it redials, milliseconds. */
  public static final long WATCH_SILENCE_MILLIS = 45_000;

  private Protocol() {}

  /**
   * A JSON mapper for protocol bodies: unknown members are ignored (a newer peer may add some),
   * trailing tokens, duplicate members and numbers where objects belong are errors, absent optional
   * members are left out, documents are limited in depth and string length, and models and weight
   * bytes take {@link io.hwledger.math.ModelSpecJson}'s form.
   *
   * @return a new mapper; share it, mappers are thread-safe once configured
   */
  public static ObjectMapper json() {
    JsonMapper mapper =
        JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .addModule(ModelJson.module())
            .build();
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(32)
                .maxStringLength(MAX_BODY_BYTES)
                .build());
    return mapper;
  }

  /**
   * Checks a body's protocol version.
   *
   * @param v the version the body carried
   * @throws IllegalArgumentException naming both versions when {@code v} is not {@link #VERSION}
   */
  public static void checkVersion(int v) {
    if (v != VERSION) {
      throw new IllegalArgumentException(
          "protocol version " + v + " is not supported; this side speaks " + VERSION);
    }
  }
}
