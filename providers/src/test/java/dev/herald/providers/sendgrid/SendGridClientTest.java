package dev.herald.providers.sendgrid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.Channel;
import dev.herald.api.Priority;
import dev.herald.api.provider.DeliveryProviderSpec;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.provider.SecretReference;
import dev.herald.api.provider.SendGridSettings;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.template.TemplateRenderer.RenderedEmail;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderConfig;
import dev.herald.providers.SendResult;
import dev.herald.testkit.sendgrid.SendGridSimulator;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SendGrid adapter through sendgrid-java against the simulator of the v3 Mail Send API. */
class SendGridClientTest {
  private static final String KEY = "SG.adapter-test";
  private static SendGridSimulator simulator;
  private static ProviderClient client;
  private static ProviderClient wrongKey;

  private final DeliveryMessage delivery =
      new DeliveryMessage(
          UUID.randomUUID(),
          UUID.randomUUID(),
          Instant.now(),
          "shop",
          Channel.EMAIL,
          null,
          "ada@example.com",
          "u-1",
          "en",
          Priority.NORMAL,
          null);
  private final RenderedEmail email =
      new RenderedEmail("Your order", "<p>Shipped</p>", "Shipped", null, null, null);

  @BeforeAll
  static void start() {
    simulator = SendGridSimulator.start(KEY);
    client = client(KEY);
    wrongKey = client("SG.wrong");
  }

  private static ProviderClient client(String key) {
    DeliveryProviderSpec spec = new DeliveryProviderSpec();
    spec.setType(ProviderType.SENDGRID);
    spec.setSecretRef(new SecretReference("creds"));
    spec.setSendgrid(new SendGridSettings("shop@herald.example", "Shop"));
    spec.setEndpoint(simulator.baseUrl());
    return new SendGridProvider(java.util.Optional.empty())
        .client(
            new ProviderConfig(
                "shop", "sendgrid", spec, Map.of("apiKey", key), Duration.ofMillis(500)));
  }

  @AfterAll
  static void stop() {
    client.close();
    wrongKey.close();
    simulator.close();
  }

  @BeforeEach
  void reset() {
    simulator.reset();
  }

  @Test
  void acceptedMailCarriesTheMessageIdAndContent() {
    SendResult result = client.send(delivery, email);

    assertThat(result).isInstanceOf(SendResult.Accepted.class);
    assertThat(((SendResult.Accepted) result).providerMessageId())
        .isNotBlank()
        .isEqualTo(simulator.mails().get(0).messageId());
    var mail = simulator.mails().get(0);
    assertThat(mail.toEmails()).containsExactly("ada@example.com");
    assertThat(mail.from()).isEqualTo("shop@herald.example");
    assertThat(mail.subject()).isEqualTo("Your order");
    assertThat(mail.html()).isEqualTo("<p>Shipped</p>");
    assertThat(mail.customArgs())
        .containsEntry("herald_delivery_id", delivery.deliveryId().toString());
  }

  @Test
  void serverErrorsAndRateLimitsAreRetriedHonouringTheReset() {
    simulator.failNext(1, 503);
    assertThat(client.send(delivery, email))
        .isInstanceOfSatisfying(
            SendResult.Retry.class, r -> assertThat(r.code()).isEqualTo("http_503"));

    simulator.rateLimitNext(1, Duration.ofSeconds(30));
    assertThat(client.send(delivery, email))
        .isInstanceOfSatisfying(
            SendResult.Retry.class,
            r -> {
              assertThat(r.code()).isEqualTo("http_429");
              assertThat(r.retryAfter()).isBetween(Duration.ofSeconds(25), Duration.ofSeconds(31));
            });
    assertThat(simulator.mails()).isEmpty();
  }

  @Test
  void aRejectedKeyIsRetriedNotBlamedOnTheRecipient() {
    assertThat(wrongKey.send(delivery, email))
        .isInstanceOfSatisfying(
            SendResult.Retry.class, r -> assertThat(r.code()).isEqualTo("http_401"));
  }

  @Test
  void anInvalidMailIsPermanentWithSendGridsReasonAndField() {
    DeliveryMessage bad =
        new DeliveryMessage(
            UUID.randomUUID(),
            UUID.randomUUID(),
            Instant.now(),
            "shop",
            Channel.EMAIL,
            null,
            "not-an-address",
            null,
            null,
            Priority.NORMAL,
            null);
    assertThat(client.send(bad, email))
        .isInstanceOfSatisfying(
            SendResult.Permanent.class,
            p -> {
              assertThat(p.code()).isEqualTo("http_400");
              assertThat(p.message()).contains("personalizations");
            });
  }

  @Test
  void aTimeoutIsRetried() {
    simulator.delayNext(1, Duration.ofSeconds(2));
    assertThat(client.send(delivery, email))
        .isInstanceOfSatisfying(
            SendResult.Retry.class, r -> assertThat(r.code()).isEqualTo("io_error"));
  }

  @Test
  void aSuccessStatusWithAGarbageBodyStillCountsAsAccepted() {
    simulator.malformedNext(1, SendGridSimulator.Malformation.GARBAGE_BODY);
    assertThat(client.send(delivery, email))
        .isInstanceOfSatisfying(
            SendResult.Accepted.class, a -> assertThat(a.providerMessageId()).isNull());
  }

  @Test
  void aTruncatedAnswerIsRetriedAndTheClientKeepsWorking() {
    simulator.malformedNext(1, SendGridSimulator.Malformation.TRUNCATED);
    assertThat(client.send(delivery, email))
        .isInstanceOfSatisfying(
            SendResult.Retry.class, r -> assertThat(r.code()).isEqualTo("io_error"));
    assertThat(client.send(delivery, email)).isInstanceOf(SendResult.Accepted.class);
  }
}
