package io.hwledger.fleet.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwledger.testsupport.Verifies;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

@Verifies("FR-FLEET-003")
class JoinTokenTest {
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void aTokenIsAnIdAndASecretAndOnlyTheSecretsHashIsStored() {
    JoinToken.Issued issued = JoinToken.create(Duration.ofHours(1), 1, NOW, RANDOM);
    String token = issued.token();
    // 32 hex digits (16 bytes), '.', 43 base64url characters (32 bytes, no padding)
    assertThat(token).matches("[0-9a-f]{32}\\.[A-Za-z0-9_-]{43}");
    String secret = token.substring(33);
    assertThat(issued.stored().id()).isEqualTo(token.substring(0, 32));
    assertThat(issued.stored().secretHash()).hasSize(64).doesNotContain(secret);
    assertThat(issued.stored().expiresAt()).isEqualTo(Instant.parse("2026-12-05T13:00:00Z"));
    assertThat(issued.toString()).doesNotContain(secret);
    assertThat(JoinToken.idOf(token)).isEqualTo(issued.stored().id());
  }

  @Test
  void aTokenWorksForItsUsesUntilItExpires() {
    JoinToken.Issued issued = JoinToken.create(Duration.ofHours(1), 2, NOW, RANDOM);
    JoinToken once = issued.stored().redeem(issued.token(), NOW.plusSeconds(10));
    assertThat(once.usesLeft()).isEqualTo(1);
    JoinToken twice = once.redeem(issued.token(), NOW.plusSeconds(20));
    assertThat(twice.usesLeft()).isZero();
    String id = issued.stored().id();
    assertThatThrownBy(() -> twice.redeem(issued.token(), NOW.plusSeconds(30)))
        .hasMessage("join token " + id + " has no uses left");
    assertThatThrownBy(() -> once.redeem(issued.token(), Instant.parse("2026-12-05T13:00:00Z")))
        .hasMessage("join token " + id + " expired at 2026-12-05T13:00:00Z");
  }

  @Test
  void aWrongSecretOrAMalformedTokenIsRefusedWithoutRepeatingIt() {
    JoinToken.Issued issued = JoinToken.create(Duration.ofHours(1), 1, NOW, RANDOM);
    String id = issued.stored().id();
    String forged = id + "." + "A".repeat(43);
    assertThatThrownBy(() -> issued.stored().redeem(forged, NOW))
        .hasMessage("join token " + id + ": the secret does not match");
    JoinToken.Issued other = JoinToken.create(Duration.ofHours(1), 1, NOW, RANDOM);
    assertThatThrownBy(() -> issued.stored().redeem(other.token(), NOW))
        .hasMessage("join token " + id + ": the secret does not match");
    String secret = issued.token().substring(33);
    assertThatThrownBy(() -> issued.stored().redeem(issued.token() + "x", NOW))
        .hasMessage("not a join token (32 hex digits, '.', 43 base64url characters)")
        .hasMessageNotContaining(secret);
  }

  @Test
  void lifetimesAndUseCountsOutsideTheirRangesAreRefused() {
    assertThatThrownBy(() -> JoinToken.create(Duration.ofSeconds(59), 1, NOW, RANDOM))
        .hasMessage("a join token lives from 1 minute to 30 days, not PT59S");
    assertThatThrownBy(() -> JoinToken.create(Duration.ofDays(31), 1, NOW, RANDOM))
        .hasMessage("a join token lives from 1 minute to 30 days, not PT744H");
    assertThatThrownBy(() -> JoinToken.create(Duration.ofHours(1), 0, NOW, RANDOM))
        .hasMessage("a join token allows 1 to 1000 uses, not 0");
    assertThatThrownBy(() -> new JoinToken("x", "0".repeat(64), NOW, 1))
        .hasMessage("a join token id is 32 lower-case hex digits");
  }
}
