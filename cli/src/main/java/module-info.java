/** The {@code hwledger} command line. */
module io.hwledger.cli {
  requires io.hwledger.math;
  requires io.hwledger.spi;
  requires io.hwledger.ledger;
  requires io.hwledger.cloud;
  requires io.hwledger.fleet;
  requires io.hwledger.fleet.server;
  requires io.hwledger.fleet.agent;
  requires io.hwledger.fleet.ssh;
  requires jdk.management;
  requires info.picocli;
  requires com.fasterxml.jackson.databind;
  requires java.logging;

  // picocli reads and sets the commands' annotated fields reflectively
  opens io.hwledger.cli to
      info.picocli;
}
