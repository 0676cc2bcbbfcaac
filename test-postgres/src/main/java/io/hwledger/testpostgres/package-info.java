/**
 * A real PostgreSQL for tests: {@link io.hwledger.testpostgres.EmbeddedPostgres} starts one from
 * zonky's PostgreSQL 14.22 build (as the unprivileged user {@code nobody} when the JVM runs as
 * root, which PostgreSQL refuses), and {@link io.hwledger.testpostgres.TestPostgres} shares one per
 * test JVM and hands out fresh databases on it, or on the external server that {@code
 * HWLEDGER_TEST_JDBC_URL} names. {@link io.hwledger.testpostgres.StreamingReplica} starts a hot
 * standby of an embedded server whose replay a test can pause, resume and wait for.
 */
@NullMarked
package io.hwledger.testpostgres;

import org.jspecify.annotations.NullMarked;
