package io.hwledger.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hwledger.api.Printable;
import io.hwledger.math.local.CheckpointFinder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongFunction;

/**
 * {@code hwledger models --dir DIR}: scans DIR for local checkpoints ({@link CheckpointFinder}),
 * reads each one's headers ({@link CheckpointProbe}) with a progress line on a terminal, and prints
 * them as a table or one JSON object.
 */
final class ModelsDirListing {
  private final Streams io;

  ModelsDirListing(Streams io) {
    this.io = io;
  }

  /**
   * Lists the checkpoints under {@code dir}; one that cannot be read is listed with its error.
   *
   * @param dir a directory (the command checked that it is one)
   * @return {@link ErrorHandler.ExitCodes#OK}
   * @throws RequestFailedException when {@code dir} cannot be listed
   */
  int list(Path dir, boolean json) {
    List<CheckpointFinder.Found> found;
    try {
      found = CheckpointFinder.find(dir, io::warn);
    } catch (IOException e) {
      throw new RequestFailedException(
          "--dir: cannot list '" + dir + "': " + ErrorHandler.oneLine(e.getMessage(), e), e);
    }
    List<LocalCheckpoint> checkpoints = new ArrayList<>();
    ProgressLine progress = new ProgressLine(io);
    try {
      for (int i = 0; i < found.size(); i++) {
        CheckpointFinder.Found f = found.get(i);
        progress.show(
            "hwledger: scanning " + (i + 1) + "/" + found.size() + ": ", f.relative().toString());
        checkpoints.add(CheckpointProbe.read(f));
      }
    } finally {
      progress.clear();
    }
    if (json) {
      printJson(dir, checkpoints);
    } else {
      printTable(dir, checkpoints);
    }
    return ErrorHandler.ExitCodes.OK;
  }

  private void printTable(Path dir, List<LocalCheckpoint> checkpoints) {
    if (checkpoints.isEmpty()) {
      io.out()
          .println(
              "No GGUF or safetensors checkpoints in "
                  + Printable.escape(dir.toString())
                  + " (searched "
                  + CheckpointFinder.MAX_DEPTH
                  + " directories deep).");
      return;
    }
    TextTable table = new TextTable("lllrrlrrl");
    table.row("PATH", "FORMAT", "ARCH", "PARAMS", "SIZE", "TYPE", "LAYERS", "CONTEXT", "PLAN WITH");
    for (LocalCheckpoint c : checkpoints) {
      table.row(
          c.displayPath(),
          c.format().id(),
          c.architecture().orElse("-"),
          orDash(c.parameters(), Units::billions),
          orDash(c.bytes(), Units::binary),
          c.fileType().orElse("-"),
          orDash(c.layers(), Long::toString),
          orDash(c.contextLimit(), Long::toString),
          c.error()
              .map(e -> "error: " + e)
              .orElseGet(() -> EngineLaunch.shellLine(c.planArguments())));
    }
    table.print(io.out(), "");
  }

  private void printJson(Path dir, List<LocalCheckpoint> checkpoints) {
    ObjectNode root = JsonWriter.object();
    root.put("dir", dir.toString());
    ArrayNode list = root.putArray("checkpoints");
    for (LocalCheckpoint c : checkpoints) {
      ObjectNode node = list.addObject();
      node.put("path", c.displayPath());
      node.put("format", c.format().id());
      putOptional(node, "architecture", c.architecture());
      JsonWriter.putOptional(node, "parameters", c.parameters());
      JsonWriter.putOptional(node, "bytes", c.bytes());
      putOptional(node, "fileType", c.fileType());
      JsonWriter.putOptional(node, "layers", c.layers());
      JsonWriter.putOptional(node, "contextLimit", c.contextLimit());
      ArrayNode plan = node.putArray("planArguments");
      c.planArguments().forEach(plan::add);
      putOptional(node, "error", c.error());
    }
    JsonWriter.print(io.out(), root);
  }

  private static void putOptional(ObjectNode node, String field, Optional<String> value) {
    if (value.isPresent()) {
      node.put(field, value.get());
    } else {
      node.putNull(field);
    }
  }

  private static String orDash(OptionalLong value, LongFunction<String> format) {
    return value.isPresent() ? format.apply(value.getAsLong()) : "-";
  }
}
