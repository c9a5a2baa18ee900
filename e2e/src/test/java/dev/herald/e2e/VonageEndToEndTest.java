package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Channel;
import dev.herald.api.provider.DeliveryProviderSpec;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.provider.TwilioSettings;
import dev.herald.api.provider.VonageSettings;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.api.template.NotificationTemplateSpec;
import dev.herald.api.template.SmsContent;
import dev.herald.testkit.twilio.TwilioSimulator;
import dev.herald.testkit.vonage.ReceivedVonageSms;
import dev.herald.testkit.vonage.VonageSimulator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SMS through a vonage DeliveryProvider, end to end against the Vonage simulator: Vonage's signed
 * delivery receipts move deliveries, an inbound STOP opts the number out and START back in, and
 * unsigned, forged, stale or replayed webhooks change nothing. With Twilio first and Vonage second,
 * Vonage takes over when Twilio's circuit opens.
 */
class VonageEndToEndTest {
  private static final String NS = "vonage-shop";
  private static HeraldEnvironment env;
  private static VonageSimulator vonage;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-vonage", Duration.ofSeconds(3));
    env.startDispatcher(
        "dispatcher-vonage", env.dispatcherSettings.withCircuitOpenFor(Duration.ofSeconds(30)));
    vonage = VonageSimulator.start("sha256");
    vonageProvider(NS, null);
    template(NS);
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
    if (vonage != null) {
      vonage.close();
    }
  }

  private static void vonageProvider(String ns, Integer order) {
    env.secret(ns, "vonage", vonage.credentials());
    DeliveryProviderSpec spec =
        HeraldEnvironment.providerSpec(ProviderType.VONAGE, "vonage", vonage.baseUrl());
    spec.setVonage(new VonageSettings("HeraldShop", webhook(ns, "status")));
    spec.setOrder(order);
    env.provider(ns, "vonage", spec);
  }

  private static void template(String ns) {
    NotificationTemplate t = new NotificationTemplate();
    t.setMetadata(new ObjectMetaBuilder().withName("order-update").withNamespace(ns).build());
    NotificationTemplateSpec spec = new NotificationTemplateSpec();
    spec.setSms(new SmsContent("Order {{ recipient.id }} is on its way.", 1));
    t.setSpec(spec);
    env.client().resource(t).create();
  }

  private static String webhook(String ns, String kind) {
    return "http://127.0.0.1:"
        + env.operator.apiPort()
        + "/v1/webhooks/vonage/"
        + ns
        + "/vonage/"
        + kind;
  }

  private static String delivery(String ns, String phone) {
    return ApiFixtures.string(
        env,
        "select id::text from deliveries where tenant = ? and address = ? order by created_at desc"
            + " limit 1",
        ns,
        phone);
  }

  private static String state(String ns, String phone) {
    return ApiFixtures.string(
        env,
        "select state || coalesce('/' || failure_reason, '') from deliveries where tenant = ?"
            + " and address = ? order by created_at desc limit 1",
        ns,
        phone);
  }

  private static long suppressions(String phone) {
    return ApiFixtures.count(
        env,
        "select count(*) from suppressions where tenant = ? and channel = 'sms' and address = ?",
        NS,
        phone);
  }

  private static ReceivedVonageSms sendTo(String user, String phone, String notification) {
    env.user(NS, user, null, phone);
    env.userNotification(NS, notification, "order-update", List.of(Channel.SMS), user);
    await().atMost(Duration.ofSeconds(30)).until(() -> vonage.messagesTo(phone).size() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(state(NS, phone)));
    return vonage.messagesTo(phone).get(0);
  }

  @Test
  void aSignedDeliveryReceiptMovesTheSmsToDeliveredAndForgeriesChangeNothing() {
    String phone = "+4915112345601";
    ReceivedVonageSms sms = sendTo("vera", phone, "vera-order");
    assertThat(sms.text()).isEqualTo("Order vera is on its way.");
    assertThat(sms.from()).isEqualTo("HeraldShop");
    assertThat(sms.clientRef()).isEqualTo(delivery(NS, phone));
    assertThat(sms.callback()).isEqualTo(webhook(NS, "status"));
    assertThat(
            ApiFixtures.string(
                env,
                "select provider || '/' || provider_message_id from deliveries where id = ?::uuid",
                sms.clientRef()))
        .isEqualTo("vonage/" + sms.messageId());

    Map<String, String> receipt = vonage.deliveryReceipt(sms, 0, "delivered", "0");
    Map<String, String> unsigned = new LinkedHashMap<>(receipt);
    unsigned.remove("sig");
    assertThat(vonage.post(webhook(NS, "status"), unsigned)).as("unsigned").isEqualTo(401);
    Map<String, String> forged = new LinkedHashMap<>(receipt);
    forged.put("status", "failed");
    assertThat(vonage.post(webhook(NS, "status"), forged)).as("forged").isEqualTo(403);
    Map<String, String> stale = vonage.sign(receipt, Instant.now().minus(Duration.ofMinutes(10)));
    assertThat(vonage.post(webhook(NS, "status"), stale)).as("stale").isEqualTo(401);
    assertThat(state(NS, phone)).isEqualTo("sent");

    assertThat(vonage.post(webhook(NS, "status"), receipt)).isEqualTo(204);
    assertThat(state(NS, phone)).isEqualTo("delivered");
    assertThat(vonage.post(webhook(NS, "status"), receipt)).as("replayed").isEqualTo(401);
    // an interim status arriving late changes nothing
    assertThat(vonage.post(webhook(NS, "status"), vonage.deliveryReceipt(sms, 0, "buffered", "0")))
        .isEqualTo(204);
    assertThat(state(NS, phone)).isEqualTo("delivered");
  }

  @Test
  void aJsonReceiptOfAFailureFailsTheDelivery() {
    String phone = "+4915112345602";
    ReceivedVonageSms sms = sendTo("walt", phone, "walt-order");
    assertThat(
            vonage.postJson(webhook(NS, "status"), vonage.deliveryReceipt(sms, 0, "rejected", "6")))
        .isEqualTo(204);
    assertThat(state(NS, phone)).isEqualTo("failed/undelivered");
  }

  @Test
  void anInboundStopOptsTheNumberOutAndStartLiftsIt() {
    String phone = "+4915112345603";
    Map<String, String> stop = vonage.inboundMessage(phone, "HeraldShop", "Stop");
    Map<String, String> forged = new LinkedHashMap<>(stop);
    forged.put("msisdn", "4915112345699");
    assertThat(vonage.post(webhook(NS, "inbound"), forged)).as("forged").isEqualTo(403);
    assertThat(suppressions(phone)).isZero();

    assertThat(vonage.post(webhook(NS, "inbound"), stop)).isEqualTo(204);
    assertThat(suppressions(phone)).isEqualTo(1);
    assertThat(vonage.post(webhook(NS, "inbound"), stop)).as("replayed").isEqualTo(401);

    env.user(NS, "xena", null, phone);
    env.userNotification(NS, "xena-order", "order-update", List.of(Channel.SMS), "xena");
    var suppressed = env.awaitPhase(NS, "xena-order", "Completed").getStatus();
    assertThat(suppressed.getSuppressed()).isEqualTo(1L);
    assertThat(suppressed.getSent()).isZero();
    assertThat(vonage.messagesTo(phone)).isEmpty();

    assertThat(
            vonage.post(
                webhook(NS, "inbound"), vonage.inboundMessage(phone, "HeraldShop", "START")))
        .isEqualTo(204);
    assertThat(suppressions(phone)).isZero();
  }

  @Test
  void aProviderWithoutASignatureSecretAcceptsNoWebhook() {
    String ns = "vonage-unsigned";
    Map<String, String> keysOnly =
        Map.of("apiKey", vonage.apiKey(), "apiSecret", vonage.apiSecret());
    env.secret(ns, "vonage", keysOnly);
    DeliveryProviderSpec spec =
        HeraldEnvironment.providerSpec(ProviderType.VONAGE, "vonage", vonage.baseUrl());
    spec.setVonage(new VonageSettings("+4915112345600", null));
    env.provider(ns, "vonage", spec);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                vonage.post(
                        webhook(ns, "inbound"),
                        vonage.inboundMessage("+4915112345604", "HeraldShop", "STOP"))
                    == 404);
    assertThat(ApiFixtures.count(env, "select count(*) from suppressions where tenant = ?", ns))
        .isZero();
  }

  @Test
  void vonageTakesOverWhenTwiliosCircuitOpens() {
    String ns = "vonage-failover";
    try (TwilioSimulator twilio = TwilioSimulator.start()) {
      env.secret(
          ns, "twilio", Map.of("accountSid", twilio.accountSid(), "authToken", twilio.authToken()));
      DeliveryProviderSpec first =
          HeraldEnvironment.providerSpec(ProviderType.TWILIO, "twilio", twilio.baseUrl());
      first.setTwilio(new TwilioSettings("+14155550100", null, null));
      first.setOrder(10);
      env.provider(ns, "twilio", first);
      vonageProvider(ns, 20);
      template(ns);
      twilio.failNext(1_000_000, 20503);
      List<String> users = IntStream.range(0, 30).mapToObj(i -> "fo" + i).toList();
      for (int i = 0; i < users.size(); i++) {
        env.user(ns, users.get(i), null, String.format("+49151123457%02d", i));
      }
      env.userNotification(
          ns, "outage", "order-update", List.of(Channel.SMS), users.toArray(String[]::new));

      var done = env.awaitPhase(ns, "outage", "Completed");
      assertThat(done.getStatus().getSent()).isEqualTo(30L);
      assertThat(twilio.messages()).isEmpty();
      assertThat(twilio.requests()).as("Twilio was tried first").isPositive();
      Map<String, Long> perNumber =
          vonage.messages().stream()
              .filter(m -> m.to().startsWith("49151123457"))
              .collect(Collectors.groupingBy(ReceivedVonageSms::to, Collectors.counting()));
      assertThat(perNumber).hasSize(30).allSatisfy((to, n) -> assertThat(n).as(to).isEqualTo(1));
      assertThat(env.deliveriesByProvider(ns)).containsExactly(Map.entry("vonage", 30L));
    }
  }
}
