/**
 * JMH benchmarks of the planner, the capacity solvers, config ingestion and the ledger (durable
 * appends against SQLite, verification, reopening); each measures its baseline in the same run.
 * Build with {@code ./mvnw -B -q -pl benchmarks -am package -DskipTests} and run {@code java -jar
 * benchmarks/target/benchmarks.jar}; see {@code benchmarks/README.md}.
 */
package io.hwledger.bench;
