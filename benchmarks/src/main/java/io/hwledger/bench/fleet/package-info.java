/**
 * The fleet server under load: {@link io.hwledger.bench.fleet.FleetLoad} runs one in-process fleet
 * server and N simulated agents on loopback and reports request rates, latencies, errors,
 * placements, CPU, heap and ledger growth. Run {@code java -cp benchmarks/target/benchmarks.jar
 * io.hwledger.bench.fleet.FleetLoad --help}; see {@code benchmarks/README.md}, "Fleet server under
 * load".
 */
package io.hwledger.bench.fleet;
