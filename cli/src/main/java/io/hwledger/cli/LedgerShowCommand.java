package io.hwledger.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.hwledger.ledger.LedgerStore;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code hwledger ledger show}: lists records of a ledger. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Lists records of the ledger in DIR or at --store, oldest first.")
final class LedgerShowCommand implements Callable<Integer> {
  private static final int HASH_PREFIX = 16;
  private static final int PAYLOAD_WIDTH = 60;

  private final Streams io;
  private final Map<String, String> env;

  @Spec CommandSpec spec;

  @Mixin LedgerLocation location = new LedgerLocation();

  @Option(
      names = "--from",
      paramLabel = "SEQ",
      defaultValue = "0",
      description = "First sequence number to show (default: ${DEFAULT-VALUE}).")
  long from;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "Most records to show (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  LedgerShowCommand(Streams io, Map<String, String> env) {
    this.io = io;
    this.env = env;
  }

  @Override
  public Integer call() {
    LedgerTarget target = location.target(env);
    if (from < 0) {
      throw new ParameterException(spec.commandLine(), "--from: must not be negative, was " + from);
    }
    if (limit < 0) {
      throw new ParameterException(
          spec.commandLine(), "--limit: must not be negative, was " + limit);
    }
    try (LedgerStore ledger = target.openExisting()) {
      if (json) {
        printJson(ledger);
      } else {
        printText(ledger);
      }
    }
    return ErrorHandler.ExitCodes.OK;
  }

  /** Streams the events: one is held in memory at a time, however large. */
  private void printJson(LedgerStore ledger) {
    ObjectNode rest = JsonWriter.object();
    rest.put("size", ledger.size());
    JsonWriter.printAsciiStreaming(
        io.out(),
        "events",
        events ->
            ledger.forEach(
                from,
                limit,
                e -> {
                  ObjectNode row = JsonWriter.object();
                  row.put("seq", e.seq());
                  row.put("timestamp", LedgerCommand.time(e.timestamp()));
                  row.put("type", e.type());
                  row.put("schemaVersion", e.schemaVersion());
                  row.put("hash", e.hashHex());
                  // The stored canonical payload, non-ASCII characters escaped.
                  row.putRawValue("payload", new RawValue(JsonWriter.asciiJson(e.payloadJson())));
                  events.add(row);
                }),
        rest);
  }

  private void printText(LedgerStore ledger) {
    PrintStream out = io.out();
    long size = ledger.size();
    String ellipsis = io.unicode() ? "\u2026" : "...";
    TextTable table = new TextTable("rlllll");
    table.row("SEQ", "TIME", "TYPE", "SCHEMA", "HASH", "PAYLOAD");
    long[] range = {-1, -1};
    ledger.forEach(
        from,
        limit,
        e -> {
          table.row(
              Long.toString(e.seq()),
              LedgerCommand.time(e.timestamp()),
              e.type(),
              Integer.toString(e.schemaVersion()),
              e.hashHex().substring(0, HASH_PREFIX) + ellipsis,
              truncate(e.payloadJson(), ellipsis));
          range[0] = range[0] < 0 ? e.seq() : range[0];
          range[1] = e.seq();
        });
    if (range[0] < 0) {
      out.println("no records from seq " + from + " (the ledger has " + size + plural(size) + ")");
      return;
    }
    table.print(out, "");
    long last = range[1];
    out.println(
        "(records "
            + range[0]
            + ".."
            + last
            + " of "
            + size
            + (last + 1 < size ? "; --from " + (last + 1) + " shows more)" : ")"));
  }

  private static String truncate(String text, String ellipsis) {
    String oneLine = text.replaceAll("\\p{Cntrl}", " ");
    if (oneLine.codePointCount(0, oneLine.length()) <= PAYLOAD_WIDTH) {
      return oneLine;
    }
    int end = oneLine.offsetByCodePoints(0, PAYLOAD_WIDTH - ellipsis.length());
    return oneLine.substring(0, end) + ellipsis;
  }

  private static String plural(long n) {
    return n == 1 ? " record" : " records";
  }
}
