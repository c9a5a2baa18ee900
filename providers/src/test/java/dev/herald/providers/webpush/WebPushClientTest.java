package dev.herald.providers.webpush;

import static dev.herald.providers.TestDeliveries.assertPermanent;
import static dev.herald.providers.TestDeliveries.assertRetry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.provider.WebPushSettings;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.Json;
import dev.herald.core.template.TemplateRenderer.RenderedPush;
import dev.herald.core.webpush.HostResolver;
import dev.herald.core.webpush.LoopbackAllowance;
import dev.herald.core.webpush.WebPushEndpoints;
import dev.herald.core.webpush.WebPushKeys;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.SendResult;
import dev.herald.providers.SendResult.AddressVerdict;
import dev.herald.providers.TestDeliveries;
import dev.herald.testkit.webpush.BrowserSubscription;
import dev.herald.testkit.webpush.ReceivedWebPush;
import dev.herald.testkit.webpush.WebPushAnswer;
import dev.herald.testkit.webpush.WebPushSimulator;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The web push adapter against the push service simulator over TLS on loopback (the narrow
 * allowance tests get): payloads decrypted by the subscribed "browser", VAPID verified, the push
 * service's answers mapped — and endpoints that must never be reached refused before any
 * connection. No name here resolves through real DNS, and no address off this machine is dialled.
 */
class WebPushClientTest {
  private static final String SUBJECT = "mailto:push@herald.example";

  /** Test names: one that resolves to loopback, as an attacker's DNS would answer. */
  private static final HostResolver RESOLVER =
      host ->
          switch (host) {
            case "loopback.attacker.com" -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
            case "v6.attacker.com" -> new InetAddress[] {InetAddress.getByName("::1")};
            default -> throw new UnknownHostException(host);
          };

  private static WebPushSimulator simulator;
  private static WebPushEndpoints endpoints;
  private static ProviderClient client;

  private final RenderedPush push =
      new RenderedPush(
          "Shipped",
          "Your order is on its way",
          Map.of("order", "A-17", "link", "https://shop.example/orders/A-17"),
          null,
          null,
          "order-A-17",
          false);
  private BrowserSubscription browser;

  @BeforeAll
  static void start() {
    simulator = WebPushSimulator.start();
    endpoints =
        WebPushEndpoints.resolvingWith(RESOLVER)
            .allowing(LoopbackAllowance.localhost(simulator.port(), simulator.certificate()));
    client = client(simulator.vapidSecret());
  }

  private static ProviderClient client(Map<String, String> secret) {
    return new WebPushProvider(endpoints)
        .client(
            TestDeliveries.config(
                ProviderType.WEBPUSH,
                null,
                spec -> spec.setWebpush(new WebPushSettings(SUBJECT)),
                secret,
                Duration.ofSeconds(2)));
  }

  @AfterAll
  static void stop() {
    client.close();
    simulator.close();
  }

  @BeforeEach
  void reset() {
    simulator.reset();
    browser = simulator.subscribe();
  }

  private static DeliveryMessage web(String endpoint, Priority priority, Instant expiresAt) {
    return TestDeliveries.delivery(Channel.PUSH, "web", endpoint, priority, expiresAt);
  }

  private static WebPushKeys keys(BrowserSubscription s) {
    return new WebPushKeys(s.p256dh(), s.auth());
  }

  @Test
  void aPushIsEncryptedToTheSubscriptionAndSignedForItsOrigin() {
    Instant expires = Instant.now().plus(Duration.ofHours(1));
    SendResult result =
        client.send(web(browser.endpoint(), Priority.HIGH, expires), push, keys(browser));

    assertThat(simulator.rejections()).isEmpty();
    ReceivedWebPush received = simulator.pushesTo(browser).get(0);
    assertThat(result)
        .isInstanceOfSatisfying(
            SendResult.Accepted.class,
            a -> assertThat(a.providerMessageId()).startsWith(simulator.origin() + "/message/"));
    JsonNode payload = Json.read(received.payload(), JsonNode.class);
    assertThat(payload.path("title").asText()).isEqualTo("Shipped");
    assertThat(payload.path("body").asText()).isEqualTo("Your order is on its way");
    assertThat(payload.path("data").path("order").asText()).isEqualTo("A-17");
    assertThat(received.urgency()).isEqualTo("high");
    assertThat((double) received.ttl()).isCloseTo(3600, within(5.0));
    assertThat(received.topic()).isEqualTo("order-A-17");
    assertThat(received.vapidSubject()).isEqualTo(SUBJECT);
  }

  @Test
  void bulkIsLowUrgencyAndWithoutExpiryThePushServiceKeepsItFourWeeks() {
    client.send(
        web(browser.endpoint(), Priority.BULK, null),
        new RenderedPush("Sale", null, null, null, null, "not a valid topic!", false),
        keys(browser));
    ReceivedWebPush received = simulator.pushesTo(browser).get(0);
    assertThat(received.urgency()).isEqualTo("low");
    assertThat(received.ttl()).isEqualTo(Duration.ofDays(28).toSeconds());
    assertThat(received.topic()).isNull();
    assertThat(received.payload()).isEqualTo("{\"title\":\"Sale\"}");
  }

  @Test
  void aSubscriptionThatIsGoneDeactivatesTheDevice() {
    simulator.unsubscribe(browser);
    assertPermanent(
        client.send(web(browser.endpoint(), Priority.NORMAL, null), push, keys(browser)),
        "subscription_gone",
        AddressVerdict.INVALID);
    BrowserSubscription unknown = simulator.subscribe("never-registered");
    assertPermanent(
        client.send(web(unknown.endpoint() + "-x", Priority.NORMAL, null), push, keys(unknown)),
        "subscription_gone",
        AddressVerdict.INVALID);
  }

  @Test
  void aPayloadTooLargeIsPermanentWhetherHeraldOrThePushServiceSaysSo() {
    simulator.answerNext(1, WebPushAnswer.status(413));
    assertPermanent(
        client.send(web(browser.endpoint(), Priority.NORMAL, null), push, keys(browser)),
        "payload_too_large",
        AddressVerdict.UNCHANGED);
    RenderedPush huge =
        new RenderedPush(
            "t", "x".repeat(WebPushClient.MAX_PLAINTEXT_BYTES), null, null, null, null, false);
    int before = simulator.requests();
    assertPermanent(
        client.send(web(browser.endpoint(), Priority.NORMAL, null), huge, keys(browser)),
        "PayloadTooLarge",
        AddressVerdict.UNCHANGED);
    assertThat(simulator.requests()).as("not sent").isEqualTo(before);
  }

  @Test
  void throttlingAndOutagesAreRetriedHonouringRetryAfter() {
    simulator.answerNext(1, new WebPushAnswer.Status(429, Duration.ofSeconds(7)));
    SendResult.Retry throttled =
        assertRetry(
            client.send(web(browser.endpoint(), Priority.NORMAL, null), push, keys(browser)),
            "too_many_requests");
    assertThat(throttled.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    simulator.answerNext(1, WebPushAnswer.status(503));
    assertThat(
            assertRetry(
                    client.send(
                        web(browser.endpoint(), Priority.NORMAL, null), push, keys(browser)),
                    "http_503")
                .retryAfter())
        .isNull();
    simulator.answerNext(1, WebPushAnswer.status(400));
    assertPermanent(
        client.send(web(browser.endpoint(), Priority.NORMAL, null), push, keys(browser)),
        "http_400",
        AddressVerdict.UNCHANGED);
  }

  @Test
  void aRedirectIsNeverFollowed() {
    simulator.answerNext(1, new WebPushAnswer.Redirect(simulator.trapUrl()));
    SendResult result =
        client.send(web(browser.endpoint(), Priority.NORMAL, null), push, keys(browser));
    assertPermanent(result, "endpoint_redirected", AddressVerdict.INVALID);
    assertThat(simulator.trapHits()).as("the redirect's target was never requested").isZero();
  }

  @Test
  void endpointsThatAreNotPublicHostsAreRefusedBeforeAnyConnection() {
    String path = "/push/" + browser.endpoint().substring(browser.endpoint().lastIndexOf('/') + 1);
    int port = simulator.port();
    for (String endpoint :
        new String[] {
          "https://169.254.169.254/latest/meta-data/",
          "https://10.0.0.1/push",
          "https://127.0.0.1:" + port + path,
          "https://[::1]:" + port + path,
          "https://localhost" + path,
          "https://localhost:" + (port + 1) + path,
          "https://metadata.google.internal/computeMetadata/v1/"
        }) {
      assertPermanent(
          client.send(web(endpoint, Priority.NORMAL, null), push, keys(browser)),
          "endpoint_refused",
          AddressVerdict.INVALID);
    }
    // Names whose DNS answers loopback pass the form check and are refused at the connection.
    for (String endpoint :
        new String[] {"https://loopback.attacker.com" + path, "https://v6.attacker.com" + path}) {
      SendResult result = client.send(web(endpoint, Priority.NORMAL, null), push, keys(browser));
      assertPermanent(result, "endpoint_refused", AddressVerdict.INVALID);
      assertThat(((SendResult.Permanent) result).message()).contains("non-public address");
    }
    assertThat(simulator.requests()).isZero();
  }

  @Test
  void aNameThatDoesNotResolveIsRetried() {
    assertRetry(
        client.send(
            web("https://push.nowhere.com/push/1", Priority.NORMAL, null), push, keys(browser)),
        "dns_error");
  }

  @Test
  void aVapidKeyThePushServiceDoesNotKnowIsRetriedAsTheProvidersFault() {
    WebPushSimulator other = WebPushSimulator.start();
    try (ProviderClient wrongKey = client(other.vapidSecret())) {
      SendResult result =
          wrongKey.send(web(browser.endpoint(), Priority.NORMAL, null), push, keys(browser));
      assertRetry(result, "http_401");
      assertThat(simulator.rejections())
          .singleElement()
          .satisfies(r -> assertThat(r).contains("application server key"));
      assertThat(result.toString()).doesNotContain(other.vapidSecret().get("vapidPrivateKey"));
    } finally {
      other.close();
    }
  }

  @Test
  void garbledAnswersAfterASuccessStatusCountAsAccepted() {
    simulator.answerNext(1, new WebPushAnswer.Garbled(false));
    assertThat(client.send(web(browser.endpoint(), Priority.NORMAL, null), push, keys(browser)))
        .isEqualTo(new SendResult.Accepted(null));
    simulator.answerNext(1, new WebPushAnswer.Garbled(true));
    assertThat(client.send(web(browser.endpoint(), Priority.NORMAL, null), push, keys(browser)))
        .isInstanceOf(SendResult.Accepted.class);
  }

  @Test
  void aDeviceWithoutKeysOrAnFcmTokenIsNotASubscription() {
    assertPermanent(
        client.send(web(browser.endpoint(), Priority.NORMAL, null), push, null),
        "not_a_subscription",
        AddressVerdict.UNCHANGED);
    assertPermanent(
        client.send(
            web("fcm-web-0001:APA91b" + "k".repeat(120), Priority.NORMAL, null),
            push,
            keys(browser)),
        "not_a_subscription",
        AddressVerdict.UNCHANGED);
    assertThat(simulator.requests()).isZero();
  }

  @Test
  void anUnusableSecretNamesTheKeyNeverItsValue() {
    Map<String, String> secret = new HashMap<>(simulator.vapidSecret());
    String privateKey = secret.remove("vapidPrivateKey");
    assertThatThrownBy(() -> client(secret))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key vapidPrivateKey is missing or empty");
    secret.put("vapidPrivateKey", privateKey.substring(1));
    assertThatThrownBy(() -> client(secret))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vapidPrivateKey")
        .hasMessageNotContaining(privateKey.substring(1));
  }
}
