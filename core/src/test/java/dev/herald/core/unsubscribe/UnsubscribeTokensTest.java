package dev.herald.core.unsubscribe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UnsubscribeTokensTest {
  private final UnsubscribeTokens tokens = new UnsubscribeTokens("k".repeat(32));
  private final Instant now = Instant.parse("2026-11-25T12:00:00Z");
  private final UUID delivery = UUID.randomUUID();

  @Test
  void aSignedTokenVerifiesUntilItExpires() {
    String token = tokens.sign("shop", delivery, now.plus(Duration.ofDays(1)));
    assertThat(tokens.verify(token, now))
        .hasValueSatisfying(
            c -> {
              assertThat(c.tenant()).isEqualTo("shop");
              assertThat(c.deliveryId()).isEqualTo(delivery);
            });
    assertThat(tokens.verify(token, now.plus(Duration.ofDays(2)))).isEmpty();
  }

  @Test
  void forgedOrForeignTokensDoNotVerify() {
    String token = tokens.sign("shop", delivery, now.plus(Duration.ofDays(1)));
    String otherKey =
        new UnsubscribeTokens("x".repeat(32)).sign("shop", delivery, now.plus(Duration.ofDays(1)));
    assertThat(tokens.verify(otherKey, now)).isEmpty();
    assertThat(tokens.verify(token.replace('.', '!'), now)).isEmpty();
    assertThat(tokens.verify("garbage", now)).isEmpty();
    String tampered =
        java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    ("other|" + delivery + "|" + now.plus(Duration.ofDays(1)).getEpochSecond())
                        .getBytes())
            + token.substring(token.indexOf('.'));
    assertThat(tokens.verify(tampered, now)).isEmpty();
  }

  @Test
  void shortKeysAreRefused() {
    assertThatThrownBy(() -> new UnsubscribeTokens("short"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
