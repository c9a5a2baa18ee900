package dev.herald.providers.vonage;

import static dev.herald.providers.TestDeliveries.assertPermanent;
import static dev.herald.providers.TestDeliveries.assertRetry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.provider.VonageSettings;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.template.TemplateRenderer.RenderedSms;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.SendResult;
import dev.herald.providers.SendResult.AddressVerdict;
import dev.herald.providers.TestDeliveries;
import dev.herald.testkit.http.Malformation;
import dev.herald.testkit.vonage.ReceivedVonageSms;
import dev.herald.testkit.vonage.VonageSimulator;
import dev.herald.testkit.vonage.VonageStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Vonage adapter through the Vonage SDK against the simulator of the SMS API. */
class VonageSmsClientTest {
  private static final String TO = "+4915112345678";
  private static final String CALLBACK =
      "https://hooks.herald.example/v1/webhooks/vonage/shop/vonage/status";

  private static VonageSimulator simulator;
  private static ProviderClient client;
  private static ProviderClient alphanumeric;

  private final RenderedSms sms = new RenderedSms("Your code is 123456", null);

  @BeforeAll
  static void start() {
    simulator = VonageSimulator.start();
    client = client(new VonageSettings("+15005550006", CALLBACK), simulator.apiSecret());
    alphanumeric = client(new VonageSettings("Herald Shop", null), simulator.apiSecret());
    client.send(
        delivery(TO),
        new RenderedSms("warm-up", null)); // connection and class loading out of the way
    await().atMost(Duration.ofSeconds(10)).until(() -> simulator.messages().size() == 1);
  }

  private static ProviderClient client(VonageSettings settings, String apiSecret) {
    return new VonageProvider()
        .client(
            TestDeliveries.config(
                ProviderType.VONAGE,
                simulator.baseUrl(),
                spec -> spec.setVonage(settings),
                Map.of("apiKey", simulator.apiKey(), "apiSecret", apiSecret),
                Duration.ofSeconds(1)));
  }

  private static DeliveryMessage delivery(String to) {
    return TestDeliveries.delivery(Channel.SMS, null, to, Priority.HIGH, null);
  }

  @AfterAll
  static void stop() {
    client.close();
    alphanumeric.close();
    simulator.close();
  }

  @BeforeEach
  void reset() {
    simulator.reset();
  }

  @Test
  void anAcceptedSmsCarriesItsMessageIdDeliveryIdAndReceiptUrl() {
    DeliveryMessage d = delivery(TO);
    SendResult result = client.send(d, sms);

    ReceivedVonageSms received = simulator.messages().get(0);
    assertThat(result).isEqualTo(new SendResult.Accepted(received.messageId()));
    assertThat(received.messageId()).matches("^[0-9A-F]{16}$");
    assertThat(received.to()).as("Vonage's form: no +").isEqualTo("4915112345678");
    assertThat(received.from()).isEqualTo("15005550006");
    assertThat(received.text()).isEqualTo("Your code is 123456");
    assertThat(received.type()).isEqualTo("text");
    assertThat(received.clientRef()).isEqualTo(d.deliveryId().toString());
    assertThat(received.callback()).isEqualTo(CALLBACK);
    assertThat(received.params()).containsEntry("status-report-req", "1").doesNotContainKey("ttl");
    assertThat(received.apiSecret()).isEqualTo(simulator.apiSecret());
  }

  @Test
  void anAlphanumericSenderGoesAsItIs() {
    assertThat(alphanumeric.send(delivery(TO), sms)).isInstanceOf(SendResult.Accepted.class);
    assertThat(simulator.messages().get(0).from()).isEqualTo("Herald Shop");
    assertThat(simulator.messages().get(0).callback()).isNull();
  }

  @Test
  void textOutsideGsm7GoesAsUnicodeAndLongTextInParts() {
    assertThat(client.send(delivery(TO), new RenderedSms("Grüße 😀 – bis bald", null)))
        .isInstanceOf(SendResult.Accepted.class);
    assertThat(simulator.messages().get(0).type()).isEqualTo("unicode");
    assertThat(simulator.messages().get(0).text()).isEqualTo("Grüße 😀 – bis bald");

    SendResult threeParts = client.send(delivery(TO), new RenderedSms("x".repeat(3 * 153), null));
    ReceivedVonageSms received = simulator.messages().get(1);
    assertThat(received.type()).isEqualTo("text");
    assertThat(received.parts()).isEqualTo(3);
    assertThat(threeParts)
        .as("the first part's id")
        .isEqualTo(new SendResult.Accepted(received.messageId()));
  }

  @Test
  void bodiesOverTheTemplatesSegmentLimitAndInvalidNumbersAreNeverSent() {
    assertPermanent(
        client.send(delivery(TO), new RenderedSms("x".repeat(4 * 153), null)),
        "TooManySegments",
        AddressVerdict.UNCHANGED);
    assertPermanent(
        client.send(delivery(TO), new RenderedSms("😀" + "x".repeat(99), 1)),
        "TooManySegments",
        AddressVerdict.UNCHANGED);
    assertPermanent(client.send(delivery("+49123"), sms), "InvalidNumber", AddressVerdict.INVALID);
    assertPermanent(
        client.send(delivery("015112345678"), sms), "InvalidNumber", AddressVerdict.INVALID);
    assertThat(simulator.requests()).isZero();
  }

  @Test
  void theNotificationsExpiryBecomesTheMessagesTimeToLive() {
    DeliveryMessage inAnHour =
        TestDeliveries.delivery(
            Channel.SMS, null, TO, Priority.HIGH, Instant.now().plus(Duration.ofHours(1)));
    assertThat(client.send(inAnHour, sms)).isInstanceOf(SendResult.Accepted.class);
    assertThat(simulator.messages().get(0).ttl()).isBetween(3_590_000L, 3_600_000L);
    DeliveryMessage soon =
        TestDeliveries.delivery(Channel.SMS, null, TO, Priority.HIGH, Instant.now().plusSeconds(2));
    assertThat(client.send(soon, sms)).isInstanceOf(SendResult.Accepted.class);
    assertThat(simulator.messages().get(1).ttl()).as("Vonage's least").isEqualTo(20_000L);
  }

  /** What each status Vonage answers means for the delivery and the address. */
  private record Expected(
      VonageStatus status, boolean retry, AddressVerdict verdict, Duration retryAfter) {}

  @Test
  void everyVonageStatusIsMappedAsTheTableSays() {
    List<Expected> table =
        List.of(
            new Expected(VonageStatus.THROTTLED, true, null, VonageSmsClient.RATE_WAIT),
            new Expected(VonageStatus.TOO_MANY_BINDS, true, null, VonageSmsClient.RATE_WAIT),
            new Expected(VonageStatus.INTERNAL_ERROR, true, null, null),
            new Expected(VonageStatus.INVALID_CREDENTIALS, true, null, null),
            new Expected(VonageStatus.ACCOUNT_NOT_HTTP, true, null, null),
            new Expected(VonageStatus.INVALID_SIGNATURE, true, null, null),
            new Expected(VonageStatus.SIGNATURE_API_SECRET_DISALLOWED, true, null, null),
            new Expected(
                VonageStatus.PARTNER_ACCOUNT_BARRED, true, null, VonageSmsClient.ACCOUNT_WAIT),
            new Expected(
                VonageStatus.PARTNER_QUOTA_EXCEEDED, true, null, VonageSmsClient.ACCOUNT_WAIT),
            new Expected(VonageStatus.MISSING_PARAMS, false, AddressVerdict.UNCHANGED, null),
            new Expected(VonageStatus.INVALID_PARAMS, false, AddressVerdict.UNCHANGED, null),
            new Expected(VonageStatus.INVALID_MESSAGE, false, AddressVerdict.UNCHANGED, null),
            new Expected(VonageStatus.MESSAGE_TOO_LONG, false, AddressVerdict.UNCHANGED, null),
            new Expected(VonageStatus.INVALID_FROM_ADDRESS, false, AddressVerdict.UNCHANGED, null),
            new Expected(VonageStatus.INVALID_NETWORK_CODE, false, AddressVerdict.UNCHANGED, null),
            new Expected(VonageStatus.INVALID_CALLBACK, false, AddressVerdict.UNCHANGED, null),
            new Expected(
                VonageStatus.NON_WHITELISTED_DESTINATION, false, AddressVerdict.UNCHANGED, null),
            new Expected(VonageStatus.NUMBER_BARRED, false, AddressVerdict.OPTED_OUT, null),
            new Expected(VonageStatus.NUMBER_DEACTIVATED, false, AddressVerdict.INVALID, null));
    assertThat(table)
        .extracting(Expected::status)
        .as("every status the simulator speaks")
        .containsAll(List.of(VonageStatus.values()).subList(1, VonageStatus.values().length));
    for (Expected e : table) {
      simulator.reset();
      simulator.rejectNumber(TO, e.status());
      SendResult result = client.send(delivery(TO), sms);
      String code = "vonage_" + e.status().code();
      if (e.retry()) {
        assertThat(assertRetry(result, code).retryAfter())
            .as(e.status().name())
            .isEqualTo(e.retryAfter());
      } else {
        assertPermanent(result, code, e.verdict());
      }
      String message =
          result instanceof SendResult.Retry r
              ? r.message()
              : ((SendResult.Permanent) result).message();
      assertThat(message)
          .as(e.status().name())
          .doesNotContain(TO.substring(1))
          .doesNotContain(simulator.apiSecret());
      assertThat(simulator.requests())
          .as("one request, no retries behind Herald's back")
          .isEqualTo(1);
      assertThat(simulator.messages()).isEmpty();
    }
  }

  @Test
  void everyStatusOfTheSdkIsNamedInTheTable() {
    for (com.vonage.client.sms.MessageStatus s : com.vonage.client.sms.MessageStatus.values()) {
      if (s != com.vonage.client.sms.MessageStatus.OK
          && s != com.vonage.client.sms.MessageStatus.UNKNOWN) {
        assertThat(VonageSmsClient.ERRORS.names(s.getMessageStatus())).as(s.name()).isTrue();
      }
    }
  }

  @Test
  void httpRateLimitsAndOutagesAreRetriedOnceByHerald() {
    simulator
        .httpErrorNext(1, 429, Duration.ofSeconds(30))
        .httpErrorNext(1, 500, null)
        .httpErrorNext(1, 503, null);
    assertThat(assertRetry(client.send(delivery(TO), sms), "http_429").retryAfter())
        .isEqualTo(Duration.ofSeconds(30));
    assertRetry(client.send(delivery(TO), sms), "http_500");
    assertRetry(client.send(delivery(TO), sms), "http_503");
    assertThat(simulator.requests()).as("neither the SDK nor HttpClient tried again").isEqualTo(3);
    assertThat(client.send(delivery(TO), sms)).isInstanceOf(SendResult.Accepted.class);
  }

  @Test
  void aMalformedAnswerIsRetriedAndTheClientKeepsWorking() {
    simulator.malformedNext(1, Malformation.GARBAGE_BODY).malformedNext(1, Malformation.TRUNCATED);
    assertRetry(client.send(delivery(TO), sms), "malformed_answer");
    assertThat(client.send(delivery(TO), sms)).isInstanceOf(SendResult.Retry.class);
    assertThat(client.send(delivery(TO), sms)).isInstanceOf(SendResult.Accepted.class);
    assertThat(simulator.requests()).isEqualTo(3);
  }

  @Test
  void aTimeoutIsRetriedAndTheMessageMayStillGoOut() {
    simulator.delayNext(1, Duration.ofSeconds(2));
    assertRetry(client.send(delivery(TO), sms), "timeout");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(simulator.messages()).hasSize(1));
  }

  @Test
  void aRotatedSecretWorksAlongsideTheOldOneUntilTheOldOneIsRevoked() {
    String next = "n3wS3cr3tAfterRotation";
    ProviderClient old = client(new VonageSettings("+15005550006", null), simulator.apiSecret());
    ProviderClient rotated = client(new VonageSettings("+15005550006", null), next);
    try {
      assertRetry(rotated.send(delivery(TO), sms), "vonage_4");
      simulator.addSecret(next);
      assertThat(rotated.send(delivery(TO), sms)).isInstanceOf(SendResult.Accepted.class);
      assertThat(old.send(delivery(TO), sms)).isInstanceOf(SendResult.Accepted.class);
      assertThat(simulator.messages())
          .extracting(ReceivedVonageSms::apiSecret)
          .containsExactly(next, simulator.apiSecret());

      simulator.removeSecret(simulator.apiSecret());
      SendResult.Retry revoked = assertRetry(old.send(delivery(TO), sms), "vonage_4");
      assertThat(revoked.message())
          .contains("Bad Credentials")
          .doesNotContain(simulator.apiSecret());
      assertThat(rotated.send(delivery(TO), sms)).isInstanceOf(SendResult.Accepted.class);
    } finally {
      simulator.addSecret(simulator.apiSecret());
      simulator.removeSecret(next);
      old.close();
      rotated.close();
    }
  }

  @Test
  void theSdksLoggingShowsNeitherCredentialsNorNumbersEvenAtFine() {
    List<LogRecord> records = new ArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (record.getLoggerName() != null && record.getLoggerName().startsWith("com.vonage")) {
              synchronized (records) {
                records.add(record);
              }
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger vonage = Logger.getLogger("com.vonage");
    Logger method = Logger.getLogger("com.vonage.client.AbstractMethod");
    vonage.addHandler(capture);
    capture.setLevel(Level.ALL);
    Level before = method.getLevel();
    method.setLevel(Level.FINEST); // an operator turning on the SDK's debug logging
    try {
      simulator.httpErrorNext(1, 500, null);
      client.send(delivery(TO), sms);
      client.send(delivery(TO), sms);
    } finally {
      method.setLevel(before);
      vonage.removeHandler(capture);
    }
    String basic =
        Base64.getEncoder()
            .encodeToString((simulator.apiKey() + ":" + simulator.apiSecret()).getBytes());
    synchronized (records) {
      assertThat(records)
          .allSatisfy(
              r -> {
                String text =
                    r.getMessage()
                        + " "
                        + (r.getThrown() == null ? "" : r.getThrown().getMessage());
                assertThat(text)
                    .doesNotContain(basic)
                    .doesNotContain(simulator.apiSecret())
                    .doesNotContain(TO.substring(1));
                assertThat(r.getLevel().intValue())
                    .isGreaterThanOrEqualTo(Level.WARNING.intValue());
              });
    }
  }
}
