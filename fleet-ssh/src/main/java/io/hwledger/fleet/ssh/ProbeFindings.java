package io.hwledger.fleet.ssh;

import io.hwledger.api.Printable;
import io.hwledger.fleet.protocol.GpuInfo;
import io.hwledger.fleet.protocol.GpuSample;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** What one poll has found so far: GPUs with their readings, each once, and the tools' notes. */
final class ProbeFindings {
  /** A shell's exit status for a command it cannot find (POSIX). */
  private static final int NOT_FOUND = 127;

  private static final int NOTE_LENGTH = 200;

  final long now;
  final List<GpuInfo> gpus = new ArrayList<>();
  final List<GpuSample> samples = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  private final Set<String> uuids = new HashSet<>();

  ProbeFindings(long now) {
    this.now = now;
  }

  /** Adds a GPU and its reading, unless a GPU with its uuid is already listed (then a note). */
  void add(GpuInfo gpu, GpuSample sample) {
    if (uuids.add(gpu.uuid())) {
      gpus.add(gpu);
      samples.add(sample);
    } else {
      notes.add(gpu.backend() + " lists GPU " + gpu.uuid() + " twice; listed once");
    }
  }

  /** A tool's problem as a note: remote text, so escaped and bounded ({@link #firstLine}). */
  void note(String tool, String problem) {
    notes.add(tool + ": " + firstLine(problem));
  }

  /**
   * A vendor tool's standard output, or null when the tool is not installed (silently) or failed
   * (with a note naming its exit status and what it said first).
   */
  @Nullable String tool(RemoteShell shell, String command, String name) throws SshFailure {
    CommandOutput out = shell.run(command);
    if (out.exitStatus() == 0) {
      return out.stdout();
    }
    if (out.exitStatus() != NOT_FOUND) {
      String said = (out.stderr().isBlank() ? out.stdout() : out.stderr()).strip();
      note(name, "exited " + out.exitStatus() + (said.isEmpty() ? "" : ": " + said));
    }
    return null;
  }

  /** The first non-blank line, escaped and bounded: remote text reaches logs and views only so. */
  static String firstLine(String text) {
    String line = text.strip().lines().findFirst().orElse("").strip();
    if (line.length() > NOTE_LENGTH) {
      line = line.substring(0, NOTE_LENGTH) + "…";
    }
    return Printable.escape(line);
  }

  static @Nullable Long boxed(OptionalLong v) {
    return v.isPresent() ? v.getAsLong() : null;
  }

  static @Nullable Double boxed(OptionalDouble v) {
    return v.isPresent() ? v.getAsDouble() : null;
  }
}
