package io.hwledger.ledger.postgres;

import io.hwledger.ledger.Ledger;
import io.hwledger.ledger.LedgerFollower;
import io.hwledger.ledger.LedgerOptions;
import io.hwledger.ledger.LedgerStore;
import io.hwledger.ledger.LedgerStores;
import io.hwledger.ledger.Verification;
import io.hwledger.testsupport.Verifies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded file ledger, opened by its directory. */
@Verifies("FR-STORE-002")
class FileStoreContractTest extends LedgerStoreContract {
  @TempDir Path temp;

  @Override
  StoreUnderTest newStore() throws Exception {
    Path dir = Files.createTempDirectory(temp, "ledger");
    String location = dir.toString();
    return new StoreUnderTest() {
      @Override
      public LedgerStore open(LedgerOptions options) {
        return LedgerStores.open(location, options);
      }

      @Override
      public LedgerStore openReadOnly() {
        return LedgerStores.openReadOnly(location);
      }

      @Override
      public Verification verify() {
        return Ledger.verify(dir);
      }

      @Override
      public LedgerFollower follow() {
        return LedgerStores.follow(location, Map.of());
      }
    };
  }
}
