package dev.herald.providers.apns;

import static dev.herald.providers.TestDeliveries.assertPermanent;
import static dev.herald.providers.TestDeliveries.assertRetry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.api.provider.ApnsSettings;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.Json;
import dev.herald.core.template.TemplateRenderer.RenderedPush;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.SendResult;
import dev.herald.providers.SendResult.AddressVerdict;
import dev.herald.providers.TestDeliveries;
import dev.herald.testkit.apns.ApnsSimulator;
import dev.herald.testkit.apns.GarbageTlsServer;
import dev.herald.testkit.apns.ReceivedPush;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The APNs adapter through Pushy against Pushy's MockApnsServer over TLS (the ApnsSimulator). */
class ApnsProviderClientTest {
  private static final String TOPIC = "dev.herald.shop";
  private static ApnsSimulator simulator;
  private static ProviderClient client;

  private final String token = simulator.registerToken(TOPIC, ApnsSimulator.newToken());
  private final RenderedPush push =
      new RenderedPush(
          "Shipped",
          "Your order is on its way",
          Map.of("order", "A-17"),
          "chime.caf",
          3,
          "order-A-17",
          true);

  @BeforeAll
  static void start() {
    simulator = ApnsSimulator.start();
    client =
        client(
            simulator.baseUrl(),
            simulator.teamId(),
            simulator.certificatePem(),
            ApnsSettings.PushType.ALERT);
    client.send(
        ios(simulator.registerToken(TOPIC, ApnsSimulator.newToken()), Priority.NORMAL),
        new RenderedPush(
            "warm-up", null, Map.of(), null, null, null, false)); // TLS and HTTP/2 set up
    // a cold first send may outlast the timeout: let it land before the tests count
    await().atMost(Duration.ofSeconds(10)).until(() -> simulator.notifications().size() == 1);
  }

  private static ProviderClient client(
      String endpoint, String teamId, String ca, ApnsSettings.PushType pushType) {
    return new ApnsProvider()
        .client(
            TestDeliveries.config(
                ProviderType.APNS,
                endpoint,
                spec ->
                    spec.setApns(
                        new ApnsSettings(
                            teamId,
                            simulator.keyId(),
                            TOPIC,
                            ApnsSettings.Environment.SANDBOX,
                            pushType)),
                Map.of("signingKey", simulator.signingKeyPem(), "caCertificate", ca),
                Duration.ofSeconds(1)));
  }

  private static DeliveryMessage ios(String token, Priority priority) {
    return TestDeliveries.delivery(Channel.PUSH, "ios", token, priority, null);
  }

  @AfterAll
  static void stop() {
    client.close();
    simulator.close();
  }

  @BeforeEach
  void reset() {
    simulator.reset();
  }

  @Test
  void anAcceptedPushCarriesItsHeadersAndPayload() {
    Instant expires = Instant.now().plus(Duration.ofHours(2));
    DeliveryMessage delivery =
        TestDeliveries.delivery(Channel.PUSH, "ios", token, Priority.HIGH, expires);
    SendResult result = client.send(delivery, push);

    assertThat(result).isEqualTo(new SendResult.Accepted(delivery.deliveryId().toString()));
    ReceivedPush received = simulator.notifications().get(0);
    assertThat(received.token()).isEqualTo(token);
    assertThat(received.topic()).isEqualTo(TOPIC);
    assertThat(received.apnsId()).isEqualTo(delivery.deliveryId());
    assertThat(received.priority()).isEqualTo(DeliveryPriority.IMMEDIATE);
    assertThat(received.expiration()).isEqualTo(expires.truncatedTo(ChronoUnit.SECONDS));
    assertThat(received.collapseId()).isEqualTo("order-A-17");
    assertThat(received.pushType()).isEqualTo(PushType.ALERT);
    JsonNode payload = Json.read(received.payload(), JsonNode.class);
    assertThat(payload.at("/aps/alert/title").asText()).isEqualTo("Shipped");
    assertThat(payload.at("/aps/alert/body").asText()).isEqualTo("Your order is on its way");
    assertThat(payload.at("/aps/sound").asText()).isEqualTo("chime.caf");
    assertThat(payload.at("/aps/badge").asInt()).isEqualTo(3);
    assertThat(payload.at("/aps/mutable-content").asInt()).isEqualTo(1);
    assertThat(payload.path("order").asText()).isEqualTo("A-17");
  }

  @Test
  void aNormalPushConservesPowerAndIsStoredWhenItDoesNotExpire() {
    assertThat(client.send(ios(token, Priority.NORMAL), push))
        .isInstanceOf(SendResult.Accepted.class);
    ReceivedPush received = simulator.notifications().get(0);
    assertThat(received.priority()).isEqualTo(DeliveryPriority.CONSERVE_POWER);
    assertThat(received.expiration()).isAfter(Instant.now().plus(Duration.ofDays(29)));
  }

  @Test
  void badGoneAndForeignTokensInvalidateTheDevice() {
    assertPermanent(
        client.send(ios("not-a-hex-token", Priority.HIGH), push),
        "BadDeviceToken",
        AddressVerdict.INVALID);

    simulator.expireToken(token, Instant.parse("2026-01-02T03:04:05Z"));
    SendResult gone = client.send(ios(token, Priority.HIGH), push);
    assertPermanent(gone, "Unregistered", AddressVerdict.INVALID);
    assertThat(((SendResult.Permanent) gone).message())
        .contains("410")
        .contains("2026-01-02T03:04:05Z")
        .doesNotContain(token);

    assertPermanent(
        client.send(ios(ApnsSimulator.newToken(), Priority.HIGH), push),
        "DeviceTokenNotForTopic",
        AddressVerdict.INVALID);
    assertThat(simulator.notifications()).isEmpty();
  }

  @Test
  void throttlingAndOutagesAreRetried() {
    simulator
        .rejectNext(1, RejectionReason.TOO_MANY_REQUESTS)
        .rejectNext(1, RejectionReason.INTERNAL_SERVER_ERROR)
        .rejectNext(1, RejectionReason.SERVICE_UNAVAILABLE);
    assertRetry(client.send(ios(token, Priority.HIGH), push), "TooManyRequests");
    assertRetry(client.send(ios(token, Priority.HIGH), push), "InternalServerError");
    assertRetry(client.send(ios(token, Priority.HIGH), push), "ServiceUnavailable");
    assertThat(simulator.requests()).isEqualTo(3);
    assertThat(client.send(ios(token, Priority.HIGH), push))
        .isInstanceOf(SendResult.Accepted.class);
  }

  @Test
  void aPayloadOverFourKilobytesIsPermanentBeforeAndAfterSending() {
    RenderedPush big =
        new RenderedPush("Big", null, Map.of("blob", "x".repeat(4100)), null, null, null, false);
    assertPermanent(
        client.send(ios(token, Priority.HIGH), big), "PayloadTooLarge", AddressVerdict.UNCHANGED);
    assertThat(simulator.requests()).isZero();

    simulator.rejectNext(1, RejectionReason.PAYLOAD_TOO_LARGE);
    assertPermanent(
        client.send(ios(token, Priority.HIGH), push), "PayloadTooLarge", AddressVerdict.UNCHANGED);
  }

  @Test
  void aProviderTokenOfAnotherTeamIsRetriedNotBlamedOnTheDevice() {
    ProviderClient otherTeam =
        client(
            simulator.baseUrl(),
            "ZZZZZZZZZZ",
            simulator.certificatePem(),
            ApnsSettings.PushType.ALERT);
    try {
      assertRetry(otherTeam.send(ios(token, Priority.HIGH), push), "InvalidProviderToken");
    } finally {
      otherTeam.close();
    }
  }

  @Test
  void aBackgroundPushGoesSilentlyWithPriorityFive() {
    ProviderClient background =
        client(
            simulator.baseUrl(),
            simulator.teamId(),
            simulator.certificatePem(),
            ApnsSettings.PushType.BACKGROUND);
    try {
      assertThat(background.send(ios(token, Priority.HIGH), push))
          .isInstanceOf(SendResult.Accepted.class);
    } finally {
      background.close();
    }
    ReceivedPush received = simulator.notifications().get(0);
    assertThat(received.pushType()).isEqualTo(PushType.BACKGROUND);
    assertThat(received.priority()).isEqualTo(DeliveryPriority.CONSERVE_POWER);
    JsonNode aps = Json.read(received.payload(), JsonNode.class).path("aps");
    assertThat(aps.path("content-available").asInt()).isEqualTo(1);
    assertThat(aps.has("alert")).isFalse();
  }

  @Test
  void aTimeoutIsRetriedAndThePushMayStillGoOut() {
    simulator.delayNext(1, Duration.ofMillis(1500));
    assertRetry(client.send(ios(token, Priority.HIGH), push), "timeout");
    // APNs took it although the client gave up: the duplicate-send window the fault tests measure
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(simulator.notifications()).hasSize(1));
  }

  @Test
  void aLostConnectionIsRetried() {
    ApnsSimulator gone = ApnsSimulator.start(simulator.teamId(), simulator.keyId());
    String endpoint = gone.baseUrl();
    String ca = gone.certificatePem();
    gone.close();
    ProviderClient toNowhere =
        client(endpoint, simulator.teamId(), ca, ApnsSettings.PushType.ALERT);
    try {
      assertRetry(toNowhere.send(ios(token, Priority.HIGH), push), "connection_error");
    } finally {
      toNowhere.close();
    }
  }

  @Test
  void anAnswerThatIsNotHttp2IsRetried() {
    try (GarbageTlsServer garbage = GarbageTlsServer.start()) {
      ProviderClient confused =
          client(
              garbage.baseUrl(),
              simulator.teamId(),
              garbage.certificatePem(),
              ApnsSettings.PushType.ALERT);
      try {
        assertThat(confused.send(ios(token, Priority.HIGH), push))
            .isInstanceOf(SendResult.Retry.class);
        assertThat(garbage.connections()).isPositive();
      } finally {
        confused.close();
      }
    }
  }
}
