package io.hwledger.testpostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import org.junit.jupiter.api.Test;

@Verifies("FR-STORE-001")
class JdbcUrlTest {
  @Test
  void theDatabaseIsReplacedAndTheParametersKept() {
    String url =
        "jdbc:postgresql://db1:5432,db2:5433/postgres?sslmode=require&targetServerType=primary";

    assertThat(JdbcUrl.database(url)).isEqualTo("postgres");
    assertThat(JdbcUrl.withDatabase(url, "hwtest_0123456789abcdef"))
        .isEqualTo(
            "jdbc:postgresql://db1:5432,db2:5433/hwtest_0123456789abcdef"
                + "?sslmode=require&targetServerType=primary");
    assertThat(JdbcUrl.withDatabase("jdbc:postgresql://[::1]:5432/admin", "t"))
        .isEqualTo("jdbc:postgresql://[::1]:5432/t");
  }

  @Test
  void aUrlWithoutHostOrDatabaseIsRefused() {
    for (String url :
        new String[] {
          "jdbc:postgresql:postgres",
          "jdbc:postgresql://host:5432/",
          "jdbc:postgresql://host/db/extra"
        }) {
      assertThatThrownBy(() -> JdbcUrl.check(url))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "not a PostgreSQL JDBC URL of the form"
                  + " jdbc:postgresql://HOST[:PORT]/DATABASE[?…]: "
                  + url);
    }
  }

  @Test
  void aTestDatabaseShowsItsUrlAndUserButNeverItsPassword() {
    TestDatabase db =
        new TestDatabase("jdbc:postgresql://127.0.0.1:5432/t", "postgres", "s3cr3t-pw");

    assertThat(db.toString())
        .isEqualTo("TestDatabase[jdbcUrl=jdbc:postgresql://127.0.0.1:5432/t, user=postgres]");
  }
}
