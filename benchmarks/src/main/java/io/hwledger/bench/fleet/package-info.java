/**
 * The fleet server under load: {@link io.hwledger.bench.fleet.FleetLoad} runs one in-process fleet
 * server and N simulated agents on loopback and reports request rates, latencies, errors,
 * placements, CPU, heap and ledger growth. Run {@code java -cp benchmarks/target/benchmarks.jar
 * io.hwledger.bench.fleet.FleetLoad --help}; see {@code benchmarks/README.md}, "Fleet server under
 * load". {@link io.hwledger.bench.fleet.SshPollLoad} polls N in-process loopback SSH servers with
 * the fleet's SSH poller and reports round times, session reuse and CPU per poll; see "SSH polling"
 * there. {@link io.hwledger.bench.fleet.FleetFailover} kills a fleet server that leads on a shared
 * PostgreSQL store and times its follower's takeover, next to the bare store's; see "Fleet server
 * failover" under "PostgreSQL ledger store" there.
 */
package io.hwledger.bench.fleet;
