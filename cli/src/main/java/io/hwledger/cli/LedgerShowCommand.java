package io.hwledger.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.RecordedEvent;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hwledger ledger show}: lists records of a ledger. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Lists records of the ledger in DIR, oldest first.")
final class LedgerShowCommand implements Callable<Integer> {
  private static final int HASH_PREFIX = 16;
  private static final int PAYLOAD_WIDTH = 60;

  private final Streams io;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The ledger directory.")
  Path dir;

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

  LedgerShowCommand(Streams io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    if (from < 0) {
      throw new ParameterException(spec.commandLine(), "--from: must not be negative, was " + from);
    }
    if (limit < 0) {
      throw new ParameterException(
          spec.commandLine(), "--limit: must not be negative, was " + limit);
    }
    List<RecordedEvent> events;
    long size;
    try (Ledger ledger = LedgerCommand.openExisting(dir)) {
      size = ledger.size();
      events = ledger.read(from, limit);
    }
    if (json) {
      ObjectNode root = JsonWriter.object();
      ArrayNode array = root.putArray("events");
      for (RecordedEvent e : events) {
        ObjectNode row = array.addObject();
        row.put("seq", e.seq());
        row.put("timestamp", LedgerCommand.time(e.timestamp()));
        row.put("type", e.type());
        row.put("schemaVersion", e.schemaVersion());
        row.put("hash", e.hashHex());
        // The stored canonical payload, non-ASCII characters escaped.
        row.putRawValue("payload", new RawValue(JsonWriter.asciiJson(e.payloadJson())));
      }
      root.put("size", size);
      JsonWriter.printAscii(io.out(), root);
    } else {
      printText(events, size);
    }
    return ErrorHandler.ExitCodes.OK;
  }

  private void printText(List<RecordedEvent> events, long size) {
    PrintStream out = io.out();
    if (events.isEmpty()) {
      out.println("no records from seq " + from + " (the ledger has " + size + plural(size) + ")");
      return;
    }
    String ellipsis = io.unicode() ? "\u2026" : "...";
    TextTable table = new TextTable("rlllll");
    table.row("SEQ", "TIME", "TYPE", "SCHEMA", "HASH", "PAYLOAD");
    for (RecordedEvent e : events) {
      table.row(
          Long.toString(e.seq()),
          LedgerCommand.time(e.timestamp()),
          e.type(),
          Integer.toString(e.schemaVersion()),
          e.hashHex().substring(0, HASH_PREFIX) + ellipsis,
          truncate(e.payloadJson(), ellipsis));
    }
    table.print(out, "");
    long last = events.get(events.size() - 1).seq();
    out.println(
        "(records "
            + events.get(0).seq()
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
