/**
 * The PostgreSQL ledger store under load: {@link io.hwledger.bench.store.StoreAppendLoad} measures
 * durable appends per second of the PostgreSQL store next to the file store and plain JDBC inserts
 * in one run, and the store's failover time when its writer's process is killed. Run {@code java
 * -cp benchmarks/target/benchmarks.jar io.hwledger.bench.store.StoreAppendLoad --help}; see {@code
 * benchmarks/README.md}, "PostgreSQL ledger store".
 */
package io.hwledger.bench.store;
