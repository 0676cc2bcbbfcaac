/**
 * The fleet's agentless SSH fallback: reads the GPUs of hosts that run no agent over SSH (Apache
 * MINA SSHD) with fixed read-only commands, parsed by the telemetry modules' own parsers. No server
 * dependencies.
 */
module io.hwledger.fleet.ssh {
  requires transitive io.hwledger.fleet;
  requires io.hwledger.nvidia;
  requires io.hwledger.rocm;
  requires io.hwledger.metal;
  // sshd-core and sshd-common in one jar (their packages are split between the two)
  requires org.apache.sshd.osgi;
  requires org.slf4j;

  exports io.hwledger.fleet.ssh;
}
