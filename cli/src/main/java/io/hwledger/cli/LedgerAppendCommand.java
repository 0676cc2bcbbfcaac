package io.hwledger.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.ledger.AppendResult;
import io.hwledger.ledger.LedgerEvent;
import io.hwledger.ledger.LedgerException;
import io.hwledger.ledger.LedgerStore;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hwledger ledger append}: appends one event given by options, or one event per line of
 * standard input, and prints {@code {"seq": int, "hash": hex}} for each.
 *
 * <p>Lines from standard input are appended asynchronously, so many lines share one fsync (group
 * commit); results are printed in order once durable, and before the command waits for more input.
 */
@Command(
    name = "append",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Appends events to the ledger in DIR or at --store, creating it when there is none.",
      "With --type and --payload: one event. Without them: one JSON object per line of standard"
          + " input, {\"type\": TYPE, \"payload\": {...}, \"schemaVersion\": N (optional)};"
          + " blank lines are skipped.",
      "Prints one line {\"seq\": N, \"hash\": HEX} per event once it is durable."
    })
final class LedgerAppendCommand implements Callable<Integer> {
  /** Appends in flight before the command waits for them and prints their results. */
  private static final int MAX_PENDING = 4096;

  private static final Set<String> LINE_MEMBERS = Set.of("type", "payload", "schemaVersion");

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  private final Streams io;
  private final Map<String, String> env;

  @Spec CommandSpec spec;

  @Mixin LedgerLocation location = new LedgerLocation();

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description = "Event type: 1 to 128 characters of a-z 0-9 _ . - (with --payload).")
  String type;

  @Option(
      names = "--payload",
      paramLabel = "JSON",
      description = "Event payload: a JSON object (with --type).")
  String payload;

  @Option(
      names = "--schema-version",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Payload schema version, at least 1; for standard input, the version of lines without"
              + " one (default: ${DEFAULT-VALUE}).")
  int schemaVersion;

  @Option(
      names = "--json",
      description = "Accepted for symmetry: the output is JSON Lines either way.")
  boolean json;

  LedgerAppendCommand(Streams io, Map<String, String> env) {
    this.io = io;
    this.env = env;
  }

  @Override
  public Integer call() {
    LedgerTarget target = location.target(env);
    if ((type == null) != (payload == null)) {
      throw new ParameterException(
          spec.commandLine(),
          "--type and --payload go together (or give neither to read events from standard input)");
    }
    if (schemaVersion < 1) {
      throw new ParameterException(
          spec.commandLine(), "--schema-version: must be at least 1, was " + schemaVersion);
    }
    if (type != null) {
      LedgerEvent event;
      try {
        event = LedgerEvent.of(type, schemaVersion, payload);
      } catch (IllegalArgumentException e) {
        ParameterException usage =
            new ParameterException(spec.commandLine(), ErrorHandler.oneLine(e.getMessage(), e));
        usage.initCause(e);
        throw usage;
      }
      try (LedgerStore ledger = target.openOrCreate()) {
        print(ledger.append(event));
      }
    } else {
      appendLines(target);
    }
    return ErrorHandler.ExitCodes.OK;
  }

  private void appendLines(LedgerTarget target) {
    StrictLines lines = new StrictLines(io.in());
    Deque<CompletableFuture<AppendResult>> pending = new ArrayDeque<>();
    try (LedgerStore ledger = target.openOrCreate()) {
      while (true) {
        // Print what is durable before blocking on more input, so an interactive writer sees
        // each result; piped input keeps many appends in flight.
        if (!pending.isEmpty() && (pending.size() >= MAX_PENDING || !lines.ready())) {
          drain(pending);
        }
        String line;
        try {
          line = lines.next();
        } catch (CharacterCodingException | IllegalArgumentException e) {
          drain(pending);
          throw lineFailed(lines.number(), e);
        }
        if (line == null) {
          break;
        }
        if (line.isBlank()) {
          continue;
        }
        LedgerEvent event;
        try {
          event = parseLine(line);
        } catch (IllegalArgumentException e) {
          drain(pending);
          throw lineFailed(lines.number(), e);
        }
        pending.add(ledger.appendAsync(event));
      }
      drain(pending);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RequestFailedException lineFailed(long number, Exception e) {
    String why =
        e instanceof CharacterCodingException
            ? "not valid UTF-8"
            : ErrorHandler.oneLine(e.getMessage(), e);
    return new RequestFailedException(
        "standard input line " + number + ": " + why + "; nothing from this line on was appended",
        e);
  }

  /**
   * Standard input as lines of strict UTF-8: a malformed byte sequence fails the line it is in,
   * rather than becoming U+FFFD in a payload that is then hashed and signed.
   */
  private static final class StrictLines {
    /** Longest line accepted: a 16 MiB event with room for JSON escapes. */
    private static final int MAX_LINE = 64 << 20;

    private final InputStream in;
    private long number;

    StrictLines(InputStream in) {
      this.in = new BufferedInputStream(in, 1 << 16);
    }

    /** The next line without its terminator, or null at the end. */
    String next() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) >= 0 && b != '\n') {
        if (line.size() == MAX_LINE) {
          number++;
          throw new IllegalArgumentException("longer than " + MAX_LINE + " bytes");
        }
        line.write(b);
      }
      if (b < 0 && line.size() == 0) {
        return null;
      }
      number++;
      byte[] bytes = line.toByteArray();
      int length =
          bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, length))
          .toString();
    }

    /** The number of the line last returned. */
    long number() {
      return number;
    }

    /** Whether a line may be read without blocking. */
    boolean ready() throws IOException {
      return in.available() > 0;
    }
  }

  /** Waits for every pending append, in order, printing each result. */
  private void drain(Deque<CompletableFuture<AppendResult>> pending) {
    while (!pending.isEmpty()) {
      print(await(pending.removeFirst()));
    }
    io.out().flush();
  }

  private static AppendResult await(CompletableFuture<AppendResult> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerException("interrupted while waiting for an append to be durable", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new LedgerException("append failed: " + cause, cause);
    }
  }

  private void print(AppendResult result) {
    ObjectNode line = JsonWriter.object();
    line.put("seq", result.seq());
    line.put("hash", result.hashHex());
    JsonWriter.printLine(io.out(), line);
  }

  /** One input line, {@code {"type": .., "payload": {..}, "schemaVersion"?: n}}. */
  private LedgerEvent parseLine(String line) {
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (JacksonException e) {
      // Jackson's locations name a redacted source; keep only line and column.
      String message = e.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "[");
      throw new IllegalArgumentException("not valid JSON: " + message, e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          "expected a JSON object {\"type\": .., \"payload\": {..}}");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!LINE_MEMBERS.contains(name)) {
        throw new IllegalArgumentException(
            "unknown member \"" + name + "\" (expected type, payload and schemaVersion)");
      }
    }
    JsonNode lineType = node.get("type");
    if (lineType == null || !lineType.isTextual()) {
      throw new IllegalArgumentException("\"type\" is missing or not a string");
    }
    JsonNode linePayload = node.get("payload");
    if (linePayload == null || !linePayload.isObject()) {
      throw new IllegalArgumentException("\"payload\" is missing or not a JSON object");
    }
    int version = schemaVersion;
    JsonNode lineVersion = node.get("schemaVersion");
    if (lineVersion != null) {
      if (!lineVersion.isIntegralNumber()
          || !lineVersion.canConvertToInt()
          || lineVersion.intValue() < 1) {
        throw new IllegalArgumentException(
            "\"schemaVersion\" must be a whole number from 1 to 2147483647, was " + lineVersion);
      }
      version = lineVersion.intValue();
    }
    return LedgerEvent.of(lineType.textValue(), version, JsonWriter.text(linePayload));
  }
}
