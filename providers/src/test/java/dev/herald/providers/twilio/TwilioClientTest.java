package dev.herald.providers.twilio;

import static dev.herald.providers.TestDeliveries.assertPermanent;
import static dev.herald.providers.TestDeliveries.assertRetry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.provider.TwilioSettings;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.template.TemplateRenderer.RenderedSms;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.SendResult;
import dev.herald.providers.SendResult.AddressVerdict;
import dev.herald.providers.TestDeliveries;
import dev.herald.testkit.http.Malformation;
import dev.herald.testkit.twilio.ReceivedSms;
import dev.herald.testkit.twilio.TwilioSimulator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Twilio adapter through the twilio SDK against the simulator of the Messages API. */
class TwilioClientTest {
  private static final String TO = "+4915112345678";
  private static final String FROM = "+15005550006";
  private static final String CALLBACK = "https://hooks.herald.example/twilio/status";
  private static final String API_KEY = TwilioSimulator.newSid("SK");
  private static final String SERVICE = TwilioSimulator.newSid("MG");

  private static TwilioSimulator simulator;
  private static ProviderClient client;
  private static ProviderClient viaApiKey;
  private static ProviderClient wrongToken;

  private final RenderedSms sms = new RenderedSms("Your code is 123456", null);

  @BeforeAll
  static void start() {
    simulator = TwilioSimulator.start().addApiKey(API_KEY, "key-secret");
    TwilioSettings fromNumber = new TwilioSettings(FROM, null, CALLBACK);
    client =
        client(
            fromNumber,
            Map.of("accountSid", simulator.accountSid(), "authToken", simulator.authToken()));
    viaApiKey =
        client(
            new TwilioSettings(null, SERVICE, null),
            Map.of(
                "accountSid",
                simulator.accountSid(),
                "apiKeySid",
                API_KEY,
                "apiKeySecret",
                "key-secret"));
    wrongToken =
        client(fromNumber, Map.of("accountSid", simulator.accountSid(), "authToken", "wrong"));
    client.send(
        delivery(TO),
        new RenderedSms("warm-up", null)); // connection and class loading out of the way
    // a cold first send may outlast the timeout: let it land before the tests count
    await().atMost(Duration.ofSeconds(10)).until(() -> simulator.messages().size() == 1);
  }

  private static ProviderClient client(TwilioSettings settings, Map<String, String> secret) {
    return new TwilioProvider()
        .client(
            TestDeliveries.config(
                ProviderType.TWILIO,
                simulator.baseUrl(),
                spec -> spec.setTwilio(settings),
                secret,
                Duration.ofSeconds(1)));
  }

  private static DeliveryMessage delivery(String to) {
    return TestDeliveries.delivery(Channel.SMS, null, to, Priority.HIGH, null);
  }

  @AfterAll
  static void stop() {
    client.close();
    viaApiKey.close();
    wrongToken.close();
    simulator.close();
  }

  @BeforeEach
  void reset() {
    simulator.reset();
  }

  @Test
  void acceptedSmsCarriesTheSidSenderAndStatusCallback() {
    SendResult result = client.send(delivery(TO), sms);

    ReceivedSms received = simulator.messages().get(0);
    assertThat(result).isEqualTo(new SendResult.Accepted(received.sid()));
    assertThat(received.sid()).matches("^SM[0-9a-f]{32}$");
    assertThat(received.to()).isEqualTo(TO);
    assertThat(received.from()).isEqualTo(FROM);
    assertThat(received.body()).isEqualTo("Your code is 123456");
    assertThat(received.statusCallback()).isEqualTo(CALLBACK);
    assertThat(received.authenticatedAs()).isEqualTo(simulator.accountSid());
  }

  @Test
  void anApiKeyAndAMessagingServiceWorkToo() {
    assertThat(viaApiKey.send(delivery(TO), sms)).isInstanceOf(SendResult.Accepted.class);

    ReceivedSms received = simulator.messages().get(0);
    assertThat(received.authenticatedAs()).isEqualTo(API_KEY);
    assertThat(received.accountSid()).isEqualTo(simulator.accountSid());
    assertThat(received.messagingServiceSid()).isEqualTo(SERVICE);
    assertThat(received.from()).isNull();
  }

  @Test
  void numbersAreNormalisedToE164AndInvalidOnesNeverSent() {
    assertThat(client.send(delivery("+49 (151) 1234-5678"), sms))
        .isInstanceOf(SendResult.Accepted.class);
    assertThat(simulator.messages().get(0).to()).isEqualTo(TO);

    SendResult invalid = client.send(delivery("+49123"), sms);
    assertPermanent(invalid, "InvalidNumber", AddressVerdict.INVALID);
    assertPermanent(
        client.send(delivery("015112345678"), sms), "InvalidNumber", AddressVerdict.INVALID);
    assertThat(simulator.requests()).isEqualTo(1);
  }

  @Test
  void invalidAndLandlineNumbersInvalidateTheAddressWithoutShowingIt() {
    simulator.rejectNumber(TO, 21211);
    SendResult invalid = client.send(delivery(TO), sms);
    assertPermanent(invalid, "twilio_21211", AddressVerdict.INVALID);
    assertThat(((SendResult.Permanent) invalid).message())
        .contains("not a valid phone number")
        .doesNotContain(TO);

    simulator.rejectNumber(TO, 21614);
    assertPermanent(client.send(delivery(TO), sms), "twilio_21614", AddressVerdict.INVALID);
    assertThat(simulator.messages()).isEmpty();
  }

  @Test
  void aRecipientWhoRepliedStopIsOptedOut() {
    simulator.rejectNumber(TO, 21610);
    assertPermanent(client.send(delivery(TO), sms), "twilio_21610", AddressVerdict.OPTED_OUT);
  }

  @Test
  void rateLimitsAreRetriedOnceByHeraldNotBehindItsBack() {
    simulator.rateLimitNext(1, Duration.ofSeconds(30));
    SendResult.Retry retry = assertRetry(client.send(delivery(TO), sms), "twilio_20429");
    assertThat(retry.retryAfter()).isEqualTo(Duration.ofSeconds(30));
    // neither the SDK nor Apache HttpClient tried again on their own
    assertThat(simulator.requests()).isEqualTo(1);
    assertThat(simulator.pendingFaults()).isZero();
  }

  @Test
  void serverErrorsAreRetriedWithoutTheSdksOwnRetries() {
    simulator.failNext(1, 20503).failNext(1, 20500);
    assertRetry(client.send(delivery(TO), sms), "twilio_20503");
    assertRetry(client.send(delivery(TO), sms), "twilio_20500");
    assertThat(simulator.requests()).isEqualTo(2);
    assertThat(client.send(delivery(TO), sms)).isInstanceOf(SendResult.Accepted.class);
  }

  @Test
  void rejectedCredentialsAreRetriedNotBlamedOnTheRecipient() {
    SendResult.Retry retry = assertRetry(wrongToken.send(delivery(TO), sms), "twilio_20003");
    assertThat(retry.message()).contains("401");
    assertThat(simulator.requests()).isEqualTo(1);
  }

  @Test
  void bodiesOverTheTemplatesSegmentLimitFailBeforeSending() {
    SendResult fourParts = client.send(delivery(TO), new RenderedSms("x".repeat(4 * 153), null));
    assertThat(fourParts)
        .isInstanceOfSatisfying(
            SendResult.Permanent.class,
            p -> {
              assertThat(p.code()).isEqualTo("TooManySegments");
              assertThat(p.message()).contains("4 GSM_7 segments").contains("allows 3");
            });
    // one emoji turns 100 characters into UCS-2: two segments, over a limit of one
    assertPermanent(
        client.send(delivery(TO), new RenderedSms("😀" + "x".repeat(99), 1)),
        "TooManySegments",
        AddressVerdict.UNCHANGED);
    assertThat(simulator.requests()).isZero();

    assertThat(client.send(delivery(TO), new RenderedSms("x".repeat(3 * 153), null)))
        .isInstanceOf(SendResult.Accepted.class);
    assertThat(simulator.messages().get(0).numSegments()).isEqualTo(3);
  }

  @Test
  void aTimeoutIsRetriedAndTheMessageMayStillGoOut() {
    simulator.delayNext(1, Duration.ofSeconds(2));
    assertRetry(client.send(delivery(TO), sms), "timeout");
    // Twilio took it although the client gave up: the duplicate-send window the fault tests measure
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(simulator.messages()).hasSize(1));
  }

  @Test
  void aSuccessWithAGarbledBodyCountsAsAccepted() {
    simulator.malformedNext(1, Malformation.GARBAGE_BODY);
    assertThat(client.send(delivery(TO), sms)).isEqualTo(new SendResult.Accepted(null));
  }

  @Test
  void aTruncatedAnswerIsRetriedAndTheClientKeepsWorking() {
    simulator.malformedNext(1, Malformation.TRUNCATED);
    assertThat(client.send(delivery(TO), sms)).isInstanceOf(SendResult.Retry.class);
    assertThat(client.send(delivery(TO), sms)).isInstanceOf(SendResult.Accepted.class);
  }
}
