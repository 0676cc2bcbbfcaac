package io.hwledger.fleet.ssh;

import io.hwledger.api.Printable;
import io.hwledger.fleet.protocol.HostFacts;
import io.hwledger.metal.IoregParser;
import io.hwledger.metal.PlatformUuid;
import io.hwledger.metal.SystemProfilerDisplays;
import io.hwledger.nvidia.NvidiaSmiComputeApps;
import io.hwledger.nvidia.NvidiaSmiCsv;
import io.hwledger.rocm.KfdProperties;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a host's GPUs with fixed, read-only commands, no sudo and nothing installed (FLEET.md
 * section 4, ADR 0017): {@code uname} tells the OS, then on Linux every vendor's tool is run and
 * their GPUs merged — never "the first tool that answers wins" — and on macOS {@code
 * system_profiler} and {@code ioreg}; the outputs are parsed by the telemetry modules' own parsers,
 * so a GPU has the identity its local backend gives it. Detection runs on every poll, so a driver
 * installed later is found on the next one. No command is built from input: the host's name and the
 * user's only reach the SSH client's connect.
 */
public final class HostProbe {

  /** The OS, the host's name and the machine architecture, in one line. */
  public static final String UNAME = "uname -s -n -m";

  /** Online CPUs (POSIX {@code getconf}, Linux and macOS). */
  public static final String CPUS = "getconf _NPROCESSORS_ONLN";

  /** Linux's memory size, kB. */
  public static final String LINUX_MEMORY = "grep MemTotal /proc/meminfo";

  /** NVIDIA GPUs with their memory, use, temperature and power (MiB, %, °C, W). */
  public static final String NVIDIA_GPUS =
      "nvidia-smi --query-gpu=" + NvidiaSmiCsv.QUERY + " --format=csv,noheader,nounits";

  /** NVIDIA compute processes with the memory each holds (MiB). */
  public static final String NVIDIA_PROCESSES =
      "nvidia-smi --query-compute-apps="
          + NvidiaSmiComputeApps.QUERY
          + " --format=csv,noheader,nounits";

  /** AMD GPUs with name, unique id, PCI bus, VRAM, use, temperature and power, by card. */
  public static final String ROCM_SMI =
      "rocm-smi --showproductname --showmeminfo vram --showuse --showtemp --showpower"
          + " --showuniqueid --showbus --json";

  /** The KFD topology's nodes, which tell AMD APUs. */
  public static final String KFD_NODES = KfdProperties.COMMAND;

  /** macOS's memory size, bytes. */
  public static final String MAC_MEMORY = "sysctl -n hw.memsize";

  /** A Mac's GPUs as JSON. */
  public static final String MAC_GPUS = String.join(" ", SystemProfilerDisplays.COMMAND);

  /** A Mac's platform UUID, which names its Apple GPU. */
  public static final String MAC_PLATFORM = String.join(" ", PlatformUuid.COMMAND);

  /** A Mac's GPU accelerators with their performance statistics. */
  public static final String MAC_ACCELERATORS = String.join(" ", IoregParser.COMMAND);

  private static final Pattern MEM_TOTAL = Pattern.compile("MemTotal:\\s+(\\d+)\\s+kB");

  private final Clock clock;

  /**
   * A probe stamping its readings with {@code clock}.
   *
   * @param clock the clock samples are stamped with (the fleet server's)
   */
  public HostProbe(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The commands a probe may run, for documentation and review: nothing else is ever sent.
   *
   * @return the fixed command lines
   */
  public static List<String> commands() {
    return List.of(
        UNAME,
        CPUS,
        LINUX_MEMORY,
        NVIDIA_GPUS,
        NVIDIA_PROCESSES,
        ROCM_SMI,
        KFD_NODES,
        MAC_MEMORY,
        MAC_GPUS,
        MAC_PLATFORM,
        MAC_ACCELERATORS);
  }

  /**
   * Polls one host.
   *
   * @param shell runs the commands on the host
   * @return the host's facts and every GPU found, with one reading each
   * @throws SshFailure if the host cannot be reached, or of kind {@link SshFailure.Kind#COMMAND} if
   *     it is not a Linux or macOS host or its basic facts cannot be read
   */
  public ProbeResult probe(RemoteShell shell) throws SshFailure {
    Objects.requireNonNull(shell, "shell");
    String[] uname = required(shell, UNAME).strip().split("\\s+");
    if (uname.length != 3) {
      throw command(UNAME, "printed " + uname.length + " fields, expected 3");
    }
    String os = uname[0];
    boolean linux = os.equals("Linux");
    if (!linux && !os.equals("Darwin")) {
      throw command(UNAME, "OS " + Printable.escape(os) + " is not supported (Linux, macOS)");
    }
    int cpus = cpus(shell);
    long memory = linux ? linuxMemory(shell) : macMemory(shell);
    HostFacts host = new HostFacts(uname[1], linux ? "linux" : "macos", uname[2], cpus, memory);
    ProbeFindings found = new ProbeFindings(clock.millis());
    if (linux) {
      NvidiaProbe.read(shell, found);
      AmdProbe.read(shell, found);
    } else {
      MacProbe.read(shell, found, memory);
    }
    return new ProbeResult(host, found.gpus, found.samples, found.notes);
  }

  private static int cpus(RemoteShell shell) throws SshFailure {
    String out = required(shell, CPUS).strip();
    try {
      return Integer.parseInt(out);
    } catch (NumberFormatException e) {
      throw command(CPUS, "printed \"" + ProbeFindings.firstLine(out) + "\", not a number");
    }
  }

  private static long linuxMemory(RemoteShell shell) throws SshFailure {
    Matcher m = MEM_TOTAL.matcher(required(shell, LINUX_MEMORY));
    if (!m.find()) {
      throw command(LINUX_MEMORY, "printed no \"MemTotal: N kB\" line");
    }
    return Long.parseLong(m.group(1)) * 1024L;
  }

  private static long macMemory(RemoteShell shell) throws SshFailure {
    String out = required(shell, MAC_MEMORY).strip();
    try {
      return Long.parseLong(out);
    } catch (NumberFormatException e) {
      throw command(MAC_MEMORY, "printed \"" + ProbeFindings.firstLine(out) + "\", not a number");
    }
  }

  private static String required(RemoteShell shell, String command) throws SshFailure {
    CommandOutput out = shell.run(command);
    if (out.exitStatus() != 0) {
      throw command(
          command, "exited " + out.exitStatus() + ": " + ProbeFindings.firstLine(out.stderr()));
    }
    return out.stdout();
  }

  private static SshFailure command(String command, String problem) {
    return new SshFailure(SshFailure.Kind.COMMAND, "\"" + command + "\" " + problem);
  }
}
