package io.hwledger.bench.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.testpostgres.TestPostgres;
import io.hwledger.testsupport.Verifies;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL store harness run tiny, so that the build keeps it compiling and working: one
 * appender per store for a second, and one failover. Only what cannot be faked is asserted —
 * appends were made, every acknowledged append is durable, the killed writer's acknowledged appends
 * are all in the ledger after the standby took over — never a rate or a time.
 */
@Verifies("FR-STORE-008")
class StoreAppendLoadTest {

  @Test
  void oneAppenderPerStoreAndOneFailoverKeepEveryAcknowledgedAppend(@TempDir Path work)
      throws Exception {
    StoreAppendOptions options =
        StoreAppendOptions.parse(
            "--appenders",
            "1",
            "--warmup",
            "0.2",
            "--duration",
            "1",
            "--failover-runs",
            "1",
            "--failover-appenders",
            "2",
            "--settle",
            "0.2",
            "--work-dir",
            work.toString());

    StoreAppendReport r = StoreAppendLoad.run(options, TestPostgres.newDatabase(), System.out);
    System.out.print(r.text());

    assertThat(r.cells)
        .extracting(AppendCell.Result::store)
        .containsExactly(
            StoreAppendReport.POSTGRES, StoreAppendReport.JDBC, StoreAppendReport.FILE);
    for (AppendCell.Result c : r.cells) {
      assertThat(c.appenders()).isEqualTo(1);
      assertThat(c.measured()).as(c.store()).isPositive();
      assertThat(c.acked()).as(c.store()).isGreaterThanOrEqualTo(c.measured());
      assertThat(c.durable()).as(c.store()).isEqualTo(c.acked());
    }
    assertThat(r.serverSettings)
        .containsKeys("fsync", "synchronous_commit", "wal_sync_method")
        .containsEntry("synchronous_commit", "on");
    assertThat(r.failovers).hasSize(1);
    Failover.Run f = r.failovers.get(0);
    assertThat(f.acked()).isGreaterThanOrEqualTo(Failover.MIN_ACKS);
    assertThat(f.committedAtTakeover()).isGreaterThanOrEqualTo(f.acked());
    assertThat(f.lost()).isZero();
    assertThat(f.refused()).isPositive();
  }
}
