package com.eatthepath.pushy.apns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import com.eatthepath.pushy.apns.auth.AuthenticationToken;
import dev.herald.testkit.tls.TestCredentials;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The APNs simulator verifies a provider token once, as APNs does. The shortcut must never let a
 * token through that the full check refuses: a forged signature, another topic, or a verified token
 * past its hour.
 */
class OnceVerifiedTokenHandlerFactoryTest {
  private static final String TOPIC = "dev.herald.app";
  private static final String OTHER_TOPIC = "dev.herald.other";
  private final String device = TestCredentials.deviceToken();
  private final KeyPair keys = TestCredentials.p256();
  private final String teamId = TestCredentials.appleId();
  private final String keyId = TestCredentials.appleId();
  private final AtomicInteger furtherChecks = new AtomicInteger();
  private final PushNotificationHandler handler;

  OnceVerifiedTokenHandlerFactoryTest() throws Exception {
    ApnsVerificationKey verification =
        new ApnsVerificationKey(keyId, teamId, (ECPublicKey) keys.getPublic());
    handler =
        new OnceVerifiedTokenHandlerFactory(
                Map.of(TOPIC, Set.of(device), OTHER_TOPIC, Set.of(device)),
                Map.of(),
                Map.of(keyId, verification),
                Map.of(verification, Set.of(TOPIC)),
                headers -> furtherChecks.incrementAndGet())
            .buildHandler(null);
  }

  private String token(Instant issuedAt) throws Exception {
    return token(keys, issuedAt);
  }

  private String token(KeyPair signer, Instant issuedAt) throws Exception {
    ApnsSigningKey signing = new ApnsSigningKey(keyId, teamId, (ECPrivateKey) signer.getPrivate());
    return new AuthenticationToken(signing, issuedAt).getAuthorizationHeader().toString();
  }

  private void send(String authorization, String topic) throws RejectedNotificationException {
    Http2Headers headers =
        new DefaultHttp2Headers()
            .method("POST")
            .path("/3/device/" + device)
            .add("authorization", authorization)
            .add("apns-topic", topic);
    handler.handlePushNotification(
        headers, Unpooled.copiedBuffer("{\"aps\":{}}", StandardCharsets.UTF_8));
  }

  private static RejectionReason refusal(ThrowingSend send) {
    try {
      send.run();
    } catch (RejectedNotificationException e) {
      return e.getRejectionReason();
    }
    return null;
  }

  private interface ThrowingSend {
    void run() throws RejectedNotificationException;
  }

  @Test
  void aTokenIsVerifiedOnceAndTheFurtherCheckRunsWithIt() throws Exception {
    String good = token(Instant.now());
    send(good, TOPIC);
    send(good, TOPIC);
    send(good, TOPIC);
    assertThat(furtherChecks).hasValue(1);
  }

  @Test
  void aForgedSignatureOrAnotherTopicIsStillRefusedAfterAGoodTokenWasTrusted() throws Exception {
    Instant now = Instant.now();
    String good = token(now);
    send(good, TOPIC);
    // the same header and claims, signed by a key that is not the simulator's
    String forged = token(TestCredentials.p256(), now);
    assertThat(forged.substring(0, forged.lastIndexOf('.')))
        .isEqualTo(good.substring(0, good.lastIndexOf('.')));
    assertThat(refusal(() -> send(forged, TOPIC)))
        .isEqualTo(RejectionReason.INVALID_PROVIDER_TOKEN);
    assertThat(refusal(() -> send(good, OTHER_TOPIC)))
        .isEqualTo(RejectionReason.INVALID_PROVIDER_TOKEN);
  }

  @Test
  void aTrustedTokenIsRefusedOnceItIsAnHourOld() throws Exception {
    String ageing = token(Instant.now().minus(Duration.ofHours(1)).plusMillis(1500));
    send(ageing, TOPIC);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> refusal(() -> send(ageing, TOPIC)) == RejectionReason.EXPIRED_PROVIDER_TOKEN);
    assertThatThrownBy(() -> send(token(Instant.now().minus(Duration.ofHours(2))), TOPIC))
        .isInstanceOf(RejectedNotificationException.class);
  }
}
