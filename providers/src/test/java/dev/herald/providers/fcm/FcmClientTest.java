package dev.herald.providers.fcm;

import static dev.herald.providers.TestDeliveries.assertPermanent;
import static dev.herald.providers.TestDeliveries.assertRetry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.api.provider.FcmSettings;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.template.TemplateRenderer.RenderedPush;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.SendResult;
import dev.herald.providers.SendResult.AddressVerdict;
import dev.herald.providers.TestDeliveries;
import dev.herald.testkit.fcm.FcmError;
import dev.herald.testkit.fcm.FcmSimulator;
import dev.herald.testkit.fcm.ReceivedFcmMessage;
import dev.herald.testkit.http.Malformation;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The FCM adapter through firebase-admin against the simulator of FCM's HTTP v1 API and Google's
 * token endpoint: the service-account key is exchanged for an access token there too.
 */
class FcmClientTest {
  private static final String PROJECT = "herald-test";
  private static FcmSimulator simulator;
  private static ProviderClient client;

  private final String token = FcmSimulator.newToken();
  private final RenderedPush push =
      new RenderedPush(
          "Shipped",
          "Your order is on its way",
          Map.of("order", "A-17", "link", "https://shop.example/orders/A-17"),
          "chime",
          3,
          "order-A-17",
          false);

  @BeforeAll
  static void start() {
    simulator = FcmSimulator.start(PROJECT);
    client = client(simulator.serviceAccountJson());
    client.send(
        android(FcmSimulator.newToken(), Priority.NORMAL, null),
        new RenderedPush("warm-up", null, Map.of(), null, null, null, false));
    // a cold first send (OAuth exchange included) may outlast the timeout: let it land before the
    // tests count
    await().atMost(Duration.ofSeconds(10)).until(() -> simulator.messages().size() == 1);
  }

  private static ProviderClient client(String serviceAccount) {
    return new FcmProvider()
        .client(
            TestDeliveries.config(
                ProviderType.FCM,
                simulator.baseUrl(),
                spec -> spec.setFcm(new FcmSettings(PROJECT)),
                Map.of("serviceAccount", serviceAccount),
                Duration.ofSeconds(1)));
  }

  private static DeliveryMessage android(String token, Priority priority, Instant expiresAt) {
    return TestDeliveries.delivery(Channel.PUSH, "android", token, priority, expiresAt);
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
  void anAndroidPushCarriesPriorityTtlCollapseKeyAndData() {
    Instant expires = Instant.now().plus(Duration.ofHours(1));
    SendResult result = client.send(android(token, Priority.HIGH, expires), push);

    ReceivedFcmMessage received = simulator.messagesTo(token).get(0);
    assertThat(result).isEqualTo(new SendResult.Accepted(received.name()));
    assertThat(received.name()).startsWith("projects/" + PROJECT + "/messages/");
    assertThat(received.notification().path("title").asText()).isEqualTo("Shipped");
    assertThat(received.notification().path("body").asText()).isEqualTo("Your order is on its way");
    assertThat(received.data()).containsEntry("order", "A-17");
    assertThat(received.androidPriority()).isEqualTo("HIGH");
    assertThat(Double.parseDouble(received.androidTtl().replace("s", "")))
        .isCloseTo(3600, within(5.0));
    assertThat(received.android().path("collapse_key").asText()).isEqualTo("order-A-17");
    assertThat(received.android().path("notification").path("sound").asText()).isEqualTo("chime");
    assertThat(received.webpush()).isNull();
  }

  @Test
  void aNormalPushWithoutExpiryLeavesTheTtlToFcm() {
    client.send(android(token, Priority.NORMAL, null), push);
    ReceivedFcmMessage received = simulator.messagesTo(token).get(0);
    assertThat(received.androidPriority()).isEqualTo("NORMAL");
    assertThat(received.androidTtl()).isNull();
  }

  @Test
  void aWebPushCarriesUrgencyTtlAndTheLink() {
    DeliveryMessage web =
        TestDeliveries.delivery(
            Channel.PUSH,
            "web",
            token,
            Priority.NORMAL,
            Instant.now().plus(Duration.ofMinutes(10)));
    assertThat(client.send(web, push)).isInstanceOf(SendResult.Accepted.class);

    ReceivedFcmMessage received = simulator.messagesTo(token).get(0);
    assertThat(received.webpushHeader("Urgency")).isEqualTo("normal");
    assertThat(Integer.parseInt(received.webpushHeader("TTL"))).isBetween(595, 600);
    assertThat(received.webpushLink()).isEqualTo("https://shop.example/orders/A-17");
    assertThat(received.android()).isNull();
  }

  @Test
  void goneAndForeignTokensInvalidateTheDevice() {
    simulator.unregister(token);
    assertPermanent(
        client.send(android(token, Priority.HIGH, null), push),
        "UNREGISTERED",
        AddressVerdict.INVALID);

    String foreign = FcmSimulator.newToken();
    simulator.registerToOtherSender(foreign);
    assertPermanent(
        client.send(android(foreign, Priority.HIGH, null), push),
        "SENDER_ID_MISMATCH",
        AddressVerdict.INVALID);
  }

  @Test
  void anInvalidArgumentInvalidatesTheTokenOnlyWhenTheTokenIsAtFault() {
    SendResult badToken = client.send(android("not-a-token", Priority.HIGH, null), push);
    assertPermanent(badToken, "INVALID_ARGUMENT", AddressVerdict.INVALID);
    assertThat(((SendResult.Permanent) badToken).message()).doesNotContain("not-a-token");

    RenderedPush reservedKey =
        new RenderedPush("Hi", null, Map.of("google.sent_time", "1"), null, null, null, false);
    SendResult badMessage = client.send(android(token, Priority.HIGH, null), reservedKey);
    assertPermanent(badMessage, "INVALID_ARGUMENT", AddressVerdict.UNCHANGED);
    assertThat(((SendResult.Permanent) badMessage).message()).contains("Invalid data payload key");
  }

  @Test
  void quotaAndOutagesAreRetriedOnceHonouringRetryAfter() {
    simulator
        .failNext(1, FcmError.QUOTA_EXCEEDED, Duration.ofSeconds(30))
        .failNext(1, FcmError.UNAVAILABLE, Duration.ofSeconds(5))
        .failNext(1, FcmError.INTERNAL);

    assertThat(
            assertRetry(client.send(android(token, Priority.HIGH, null), push), "QUOTA_EXCEEDED")
                .retryAfter())
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(
            assertRetry(client.send(android(token, Priority.HIGH, null), push), "UNAVAILABLE")
                .retryAfter())
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(
            assertRetry(client.send(android(token, Priority.HIGH, null), push), "INTERNAL")
                .retryAfter())
        .isNull();
    // firebase-admin would have retried the 503 up to four times: one Herald attempt is one request
    assertThat(simulator.requests()).isEqualTo(3);
  }

  @Test
  void aRefusedServiceAccountIsRetriedNotBlamedOnTheDevice() {
    try (FcmSimulator other = FcmSimulator.start(PROJECT)) {
      ProviderClient wrongKey = client(other.serviceAccountJson());
      try {
        assertThat(wrongKey.send(android(token, Priority.HIGH, null), push))
            .isInstanceOf(SendResult.Retry.class);
        assertThat(simulator.requests()).isZero();
        assertThat(simulator.tokenRequests()).isPositive();
      } finally {
        wrongKey.close();
      }
    }
  }

  @Test
  void aTooLargePayloadFailsBeforeSending() {
    RenderedPush big =
        new RenderedPush("Big", null, Map.of("blob", "x".repeat(5000)), null, null, null, false);
    assertPermanent(
        client.send(android(token, Priority.HIGH, null), big),
        "PayloadTooLarge",
        AddressVerdict.UNCHANGED);
    assertThat(simulator.requests()).isZero();
  }

  @Test
  void aTimeoutIsRetriedAndTheMessageMayStillGoOut() {
    simulator.delayNext(1, Duration.ofSeconds(2));
    assertRetry(client.send(android(token, Priority.HIGH, null), push), "timeout");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(simulator.messagesTo(token)).hasSize(1));
  }

  @Test
  void aSuccessWithAGarbledBodyCountsAsAccepted() {
    simulator.malformedNext(1, Malformation.GARBAGE_BODY);
    assertThat(client.send(android(token, Priority.HIGH, null), push))
        .isEqualTo(new SendResult.Accepted(null));
  }

  @Test
  void aTruncatedAnswerIsRetriedAndTheClientKeepsWorking() {
    simulator.malformedNext(1, Malformation.TRUNCATED);
    assertThat(client.send(android(token, Priority.HIGH, null), push))
        .isInstanceOf(SendResult.Retry.class);
    assertThat(client.send(android(token, Priority.HIGH, null), push))
        .isInstanceOf(SendResult.Accepted.class);
  }
}
