package dev.herald.testkit.apns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import com.eatthepath.pushy.apns.util.concurrent.PushNotificationFuture;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The APNs simulator through Pushy's own client, over TLS with the simulator's certificate. */
class ApnsSimulatorTest {
  private static final String TOPIC = "dev.herald.app";
  private static final String PAYLOAD = "{\"aps\":{\"alert\":\"Hello\"}}";
  private static final NioEventLoopGroup EVENT_LOOP =
      new NioEventLoopGroup(1, new DefaultThreadFactory("apns-test", true));
  private static ApnsSimulator sim;
  private static ApnsClient client;

  private final String token = sim.registerToken(TOPIC, ApnsSimulator.newToken());

  @BeforeAll
  static void start() throws Exception {
    sim = ApnsSimulator.start();
    client = client(sim, sim.port(), sim.teamId(), sim.signingKeyPem(), sim.certificatePem());
  }

  private static ApnsClient client(
      ApnsSimulator trust, int port, String teamId, String keyPem, String caPem) throws Exception {
    return new ApnsClientBuilder()
        .setApnsServer("127.0.0.1", port)
        .setSigningKey(ApnsSigningKey.loadFromInputStream(stream(keyPem), teamId, trust.keyId()))
        .setTrustedServerCertificateChain(stream(caPem))
        .setEventLoopGroup(EVENT_LOOP)
        .build();
  }

  private static ByteArrayInputStream stream(String pem) {
    return new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().get(5, TimeUnit.SECONDS);
    sim.close();
    EVENT_LOOP.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  @BeforeEach
  void reset() {
    sim.reset();
  }

  private static PushNotificationResponse<SimpleApnsPushNotification> send(
      ApnsClient c, String token) throws Exception {
    return c.sendNotification(new SimpleApnsPushNotification(token, TOPIC, PAYLOAD))
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void acceptsAndRecordsWhatTheClientSent() throws Exception {
    UUID id = UUID.randomUUID();
    Instant expires = Instant.now().plusSeconds(3600);
    var response =
        client
            .sendNotification(
                new SimpleApnsPushNotification(
                    token,
                    TOPIC,
                    PAYLOAD,
                    expires,
                    DeliveryPriority.CONSERVE_POWER,
                    PushType.BACKGROUND,
                    "collapse-1",
                    id))
            .get(5, TimeUnit.SECONDS);

    assertThat(response.isAccepted()).isTrue();
    assertThat(response.getApnsId()).isEqualTo(id);
    ReceivedPush push = sim.notifications().get(0);
    assertThat(push)
        .isEqualTo(
            new ReceivedPush(
                token,
                TOPIC,
                PAYLOAD,
                DeliveryPriority.CONSERVE_POWER,
                Instant.ofEpochSecond(expires.getEpochSecond()),
                "collapse-1",
                PushType.BACKGROUND,
                id));
    assertThat(sim.requests()).isEqualTo(1);
  }

  @Test
  void rejectsBadUnknownAndExpiredTokensAsApnsDoes() throws Exception {
    assertThat(send(client, "not-hex").getRejectionReason()).hasValue("BadDeviceToken");
    assertThat(send(client, ApnsSimulator.newToken()).getRejectionReason())
        .hasValue("DeviceTokenNotForTopic");

    Instant since = Instant.parse("2026-03-04T05:06:07Z");
    sim.expireToken(token, since);
    var gone = send(client, token);
    assertThat(gone.getStatusCode()).isEqualTo(410);
    assertThat(gone.getRejectionReason()).hasValue("Unregistered");
    assertThat(gone.getTokenInvalidationTimestamp()).hasValue(since);
    assertThat(sim.rejections())
        .containsExactly(
            RejectionReason.BAD_DEVICE_TOKEN,
            RejectionReason.DEVICE_TOKEN_NOT_FOR_TOPIC,
            RejectionReason.UNREGISTERED);
    assertThat(sim.notifications()).isEmpty();
  }

  @Test
  void scriptedRejectionsComeInOrderWithTheirStatus() throws Exception {
    sim.rejectNext(1, RejectionReason.TOO_MANY_REQUESTS)
        .rejectNext(1, RejectionReason.SERVICE_UNAVAILABLE)
        .rejectNext(1, RejectionReason.PAYLOAD_TOO_LARGE);
    assertThat(send(client, token).getStatusCode()).isEqualTo(429);
    assertThat(send(client, token).getRejectionReason()).hasValue("ServiceUnavailable");
    assertThat(send(client, token).getStatusCode()).isEqualTo(413);
    assertThat(sim.pendingFaults()).isZero();
    assertThat(send(client, token).isAccepted()).isTrue();
  }

  @Test
  void refusesProviderTokensOfAnotherTeamOrKey() throws Exception {
    ApnsClient otherTeam =
        client(sim, sim.port(), "TEAM000000", sim.signingKeyPem(), sim.certificatePem());
    try (ApnsSimulator other = ApnsSimulator.start(sim.teamId(), sim.keyId())) {
      ApnsClient otherKey =
          client(sim, sim.port(), sim.teamId(), other.signingKeyPem(), sim.certificatePem());
      assertThat(send(otherTeam, token).getRejectionReason()).hasValue("InvalidProviderToken");
      assertThat(send(otherKey, token).getRejectionReason()).hasValue("InvalidProviderToken");
      otherKey.close().get(5, TimeUnit.SECONDS);
    } finally {
      otherTeam.close().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aDelayedNotificationIsAnsweredAfterTheDelay() throws Exception {
    sim.delayNext(1, Duration.ofMillis(600));
    long start = System.nanoTime();
    PushNotificationFuture<
            SimpleApnsPushNotification, PushNotificationResponse<SimpleApnsPushNotification>>
        future = client.sendNotification(new SimpleApnsPushNotification(token, TOPIC, PAYLOAD));
    await().atMost(Duration.ofSeconds(5)).until(future::isDone);
    assertThat(future.get().isAccepted()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(600));
  }

  @Test
  void aClientCannotTalkHttp2ToTheGarbageServer() throws Exception {
    try (GarbageTlsServer garbage = GarbageTlsServer.start()) {
      ApnsClient confused =
          client(sim, garbage.port(), sim.teamId(), sim.signingKeyPem(), garbage.certificatePem());
      try {
        assertThatThrownBy(() -> send(confused, token)).isInstanceOf(ExecutionException.class);
        assertThat(garbage.connections()).isPositive();
      } finally {
        confused.close().get(5, TimeUnit.SECONDS);
      }
    }
  }
}
