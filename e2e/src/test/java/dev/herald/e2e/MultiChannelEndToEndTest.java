package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.api.Channel;
import dev.herald.api.notification.Notification;
import dev.herald.api.notification.NotificationStatus;
import dev.herald.api.provider.ApnsSettings;
import dev.herald.api.provider.DeliveryProviderSpec;
import dev.herald.api.provider.FcmSettings;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.provider.TwilioSettings;
import dev.herald.api.template.EmailContent;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.api.template.NotificationTemplateSpec;
import dev.herald.api.template.PushContent;
import dev.herald.api.template.SmsContent;
import dev.herald.testkit.apns.ApnsSimulator;
import dev.herald.testkit.fcm.FcmSimulator;
import dev.herald.testkit.sendgrid.SendGridSimulator;
import dev.herald.testkit.twilio.TwilioSimulator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * All four channels through the real SDKs against their simulators: one Notification to users with
 * devices, phones and e-mail addresses; an invalid token; a provider waiting for its Secret;
 * failover between two e-mail providers; and, last, every log line the suite produced checked for
 * credentials and personal addresses.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiChannelEndToEndTest {
  static final String TOPIC = "dev.herald.shop";
  static final String FCM_PROJECT = "herald-shop-e2e";

  private static HeraldEnvironment env;
  private static ApnsSimulator apns;
  private static FcmSimulator fcm;
  private static TwilioSimulator twilio;
  private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
  private static final List<String> SENSITIVE = new ArrayList<>();
  private static Level heraldLevel;

  @BeforeAll
  static void start() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger herald = (Logger) LoggerFactory.getLogger("dev.herald");
    heraldLevel = herald.getLevel();
    herald.setLevel(Level.DEBUG);
    LOGS.start();
    root.addAppender(LOGS);

    env = HeraldEnvironment.start("e2e-multi", Duration.ofSeconds(5));
    apns = ApnsSimulator.start();
    fcm = FcmSimulator.start(FCM_PROJECT);
    twilio = TwilioSimulator.start();
    env.startDispatcher("dispatcher");
    SENSITIVE.addAll(
        List.of(
            HeraldEnvironment.SENDGRID_KEY,
            twilio.authToken(),
            apns.signingKeyPem()
                .lines()
                .filter(l -> !l.startsWith("-----"))
                .findFirst()
                .orElseThrow()));
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {apns, fcm, twilio}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // closing
      }
    }
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
    ((Logger) LoggerFactory.getLogger("dev.herald")).setLevel(heraldLevel);
  }

  /**
   * A Ready provider of each type in the namespace, and a template with content for every channel.
   */
  private static void allChannels(String ns) {
    env.secret(ns, "sendgrid", Map.of("apiKey", HeraldEnvironment.SENDGRID_KEY));
    env.sendgridProvider(ns, "sendgrid", "sendgrid");

    env.secret(
        ns, "twilio", Map.of("accountSid", twilio.accountSid(), "authToken", twilio.authToken()));
    DeliveryProviderSpec sms =
        HeraldEnvironment.providerSpec(ProviderType.TWILIO, "twilio", twilio.baseUrl());
    sms.setTwilio(new TwilioSettings("+14155550100", null, null));
    env.provider(ns, "twilio", sms);

    env.secret(
        ns,
        "apns",
        Map.of("signingKey", apns.signingKeyPem(), "caCertificate", apns.certificatePem()));
    DeliveryProviderSpec ios =
        HeraldEnvironment.providerSpec(ProviderType.APNS, "apns", apns.baseUrl());
    ios.setApns(
        new ApnsSettings(
            apns.teamId(), apns.keyId(), TOPIC, ApnsSettings.Environment.SANDBOX, null));
    env.provider(ns, "apns", ios);

    env.secret(ns, "fcm", Map.of("serviceAccount", fcm.serviceAccountJson()));
    DeliveryProviderSpec android =
        HeraldEnvironment.providerSpec(ProviderType.FCM, "fcm", fcm.baseUrl());
    android.setFcm(new FcmSettings(FCM_PROJECT));
    env.provider(ns, "fcm", android);

    NotificationTemplate t = new NotificationTemplate();
    t.setMetadata(new ObjectMetaBuilder().withName("order-update").withNamespace(ns).build());
    NotificationTemplateSpec spec = new NotificationTemplateSpec();
    spec.setEmail(
        new EmailContent(
            "Your order shipped", "<p>Shipped to {{ recipient.id }}</p>", null, null, null, null));
    spec.setSms(new SmsContent("Your order shipped.", 1));
    spec.setPush(
        new PushContent(
            "Order shipped",
            "Tap to track it",
            Map.of("screen", "orders"),
            "default",
            1,
            "orders",
            null));
    t.setSpec(spec);
    env.client().resource(t).create();
  }

  @Test
  @Order(1)
  void oneNotificationReachesEveryChannelOfEveryUser() {
    String ns = "all-channels";
    allChannels(ns);
    String iosToken = apns.registerToken(TOPIC, ApnsSimulator.newToken());
    String androidToken = FcmSimulator.newToken();
    String webToken = FcmSimulator.newToken();
    env.user(
        ns,
        "alice",
        "alice@customers.example",
        "+14155552671",
        "ios",
        iosToken,
        "android",
        androidToken,
        "web",
        webToken);
    env.user(ns, "bob", null, "+491701234567");
    SENSITIVE.addAll(
        List.of(
            iosToken,
            androidToken,
            webToken,
            "alice@customers.example",
            "+14155552671",
            "+491701234567"));

    env.userNotification(
        ns,
        "shipped",
        "order-update",
        List.of(Channel.EMAIL, Channel.SMS, Channel.PUSH),
        "alice",
        "bob");

    NotificationStatus status = env.awaitPhase(ns, "shipped", "Completed").getStatus();
    assertThat(status.getTotal()).isEqualTo(8);
    assertThat(status.getSent()).isEqualTo(6);
    assertThat(status.getSuppressed()).isEqualTo(2);
    assertThat(status.getChannels().get("email"))
        .containsEntry("sent", 1L)
        .containsEntry("suppressed", 1L);
    assertThat(status.getChannels().get("sms")).containsEntry("sent", 2L);
    assertThat(status.getChannels().get("push"))
        .containsEntry("sent", 3L)
        .containsEntry("suppressed", 1L);

    assertThat(env.sendgrid.mailsTo("alice@customers.example")).hasSize(1);
    assertThat(twilio.messagesTo("+14155552671")).hasSize(1);
    assertThat(twilio.messagesTo("+491701234567"))
        .hasSize(1)
        .allSatisfy(m -> assertThat(m.body()).isEqualTo("Your order shipped."));
    assertThat(apns.notifications())
        .filteredOn(p -> p.token().equals(iosToken))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.topic()).isEqualTo(TOPIC);
              assertThat(p.collapseId()).isEqualTo("orders");
              assertThat(p.payload()).contains("Order shipped").contains("\"badge\":1");
            });
    assertThat(fcm.messagesTo(androidToken)).hasSize(1);
    assertThat(fcm.messagesTo(webToken)).hasSize(1);
  }

  @Test
  @Order(2)
  void anInvalidTokenDeactivatesTheDeviceAndTheNextNotificationSkipsIt() {
    String ns = "bad-token";
    allChannels(ns);
    String unknownToken = ApnsSimulator.newToken(); // never registered for the topic
    env.user(ns, "carol", null, null, "ios", unknownToken);
    SENSITIVE.add(unknownToken);

    env.userNotification(ns, "first", "order-update", List.of(Channel.PUSH), "carol");
    assertThat(env.awaitPhase(ns, "first", "Failed").getStatus().getFailed()).isEqualTo(1);
    assertThat(env.deviceState(ns, unknownToken)).startsWith("inactive:");

    int pushesBefore = apns.requests();
    env.userNotification(ns, "second", "order-update", List.of(Channel.PUSH), "carol");
    NotificationStatus second = env.awaitPhase(ns, "second", "Completed").getStatus();
    assertThat(second.getSuppressed()).isEqualTo(1);
    assertThat(second.getSent()).isZero();
    assertThat(apns.requests()).isEqualTo(pushesBefore);
  }

  @Test
  @Order(3)
  void deliveriesWaitForAProviderWithoutItsSecretAndGoOutOnceItExists() {
    String ns = "late-secret";
    env.sendgridProvider(ns, "sendgrid", "created-later");
    env.template(ns, "order-shipped", "Order {{ orderId }}", "<p>{{ orderId }}</p>", null);
    env.emailNotification(
        ns, "waiting", "order-shipped", Map.of("orderId", "7"), "patient@example.com");

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Notification n = env.notification(ns, "waiting");
              assertThat(n.getStatus()).isNotNull();
              assertThat(n.getStatus().getPhase())
                  .isEqualTo(dev.herald.api.notification.NotificationPhase.Dispatching);
              var providers = HeraldEnvironment.condition(n, NotificationStatus.PROVIDERS_READY);
              assertThat(providers.getStatus()).isEqualTo("False");
              assertThat(providers.getMessage()).contains("SecretNotFound");
            });
    assertThat(env.sendgrid.mailsTo("patient@example.com")).isEmpty();

    env.secret(ns, "created-later", Map.of("apiKey", HeraldEnvironment.SENDGRID_KEY));
    env.awaitPhase(ns, "waiting", "Completed");
    assertThat(env.sendgrid.mailsTo("patient@example.com")).hasSize(1);
  }

  @Test
  @Order(4)
  void eMailFailsOverToTheSecondProviderWhenTheFirstKeepsFailing() {
    String ns = "failover";
    try (SendGridSimulator broken = SendGridSimulator.start(HeraldEnvironment.SENDGRID_KEY)) {
      broken.failNext(1000, 503);
      env.secret(ns, "sendgrid", Map.of("apiKey", HeraldEnvironment.SENDGRID_KEY));
      env.sendgridProvider(ns, "primary", "sendgrid", broken.baseUrl(), 0);
      env.sendgridProvider(ns, "secondary", "sendgrid", env.sendgrid.baseUrl(), 1);
      env.template(ns, "order-shipped", "Order {{ orderId }}", "<p>{{ orderId }}</p>", null);
      String[] to = {
        "f1@failover.example",
        "f2@failover.example",
        "f3@failover.example",
        "f4@failover.example",
        "f5@failover.example",
        "f6@failover.example"
      };
      env.emailNotification(ns, "failover", "order-shipped", Map.of("orderId", "8"), to);

      Notification done = env.awaitPhase(ns, "failover", "Completed");
      assertThat(done.getStatus().getSent()).isEqualTo(6);
      assertThat(broken.mails()).isEmpty();
      assertThat(broken.requests()).isPositive();
      for (String address : to) {
        assertThat(env.sendgrid.mailsTo(address)).hasSize(1);
      }
      assertThat(env.deliveriesByProvider(ns)).containsOnlyKeys("secondary");
    }
  }

  @Test
  @Order(5)
  void fallbackSendsOnTheNextChannelWhenThereIsNoAddressOrTheFirstFailsPermanently() {
    String ns = "fallback";
    allChannels(ns);
    String deadToken = ApnsSimulator.newToken(); // not registered: APNs rejects it
    env.user(ns, "dora", null, "+14155552672"); // no device at all
    env.user(ns, "eve", null, "+14155552673", "ios", deadToken); // a device that will fail
    SENSITIVE.addAll(List.of(deadToken, "+14155552672", "+14155552673"));

    Notification n = new Notification();
    n.setMetadata(new ObjectMetaBuilder().withName("fallback").withNamespace(ns).build());
    var spec = new dev.herald.api.notification.NotificationSpec();
    spec.setTemplate("order-update");
    spec.setChannels(List.of(Channel.PUSH));
    spec.setFallback(List.of(Channel.SMS));
    spec.setRecipients(
        List.of(
            dev.herald.api.notification.Recipient.user("dora"),
            dev.herald.api.notification.Recipient.user("eve")));
    n.setSpec(spec);
    env.client().resource(n).create();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(twilio.messagesTo("+14155552672"))
                  .as("dora: no device, so SMS")
                  .hasSize(1);
              assertThat(twilio.messagesTo("+14155552673"))
                  .as("eve: push failed permanently, so SMS")
                  .hasSize(1);
              Notification now = env.notification(ns, "fallback");
              assertThat(now.getStatus()).isNotNull();
              assertThat(now.getStatus().getInFlight()).isZero();
            });
    NotificationStatus status = env.notification(ns, "fallback").getStatus();
    assertThat(status.getChannels().get("sms")).containsEntry("sent", 2L);
    assertThat(status.getChannels().get("push"))
        .containsEntry("failed", 1L)
        .containsEntry("suppressed", 1L);
    assertThat(env.deviceState(ns, deadToken)).startsWith("inactive:");
  }

  @Test
  @Order(6)
  void aRotatedSecretTakesEffectWithoutARestart() {
    String ns = "rotation";
    try (SendGridSimulator strict = SendGridSimulator.start("SG.the-new-key")) {
      env.secret(ns, "sendgrid", Map.of("apiKey", "SG.the-old-key"));
      env.sendgridProvider(ns, "sendgrid", "sendgrid", strict.baseUrl(), null);
      env.template(ns, "order-shipped", "Order {{ orderId }}", "<p>{{ orderId }}</p>", null);
      env.emailNotification(
          ns, "rotated", "order-shipped", Map.of("orderId", "9"), "rotation@example.com");

      // The old key is refused (401): the delivery is retried, not failed.
      await().atMost(Duration.ofSeconds(20)).until(() -> strict.requests() >= 1);
      env.awaitPhase(ns, "rotated", "Dispatching");

      var secret = env.client().secrets().inNamespace(ns).withName("sendgrid").get();
      secret.setData(null);
      secret.setStringData(Map.of("apiKey", "SG.the-new-key"));
      env.client().resource(secret).update();

      env.awaitPhase(ns, "rotated", "Completed");
      assertThat(strict.mailsTo("rotation@example.com")).hasSize(1);
    }
  }

  @Test
  @Order(6)
  void anInvalidNumberFailsBeforeAnythingIsQueuedAndAnOverlongSmsIsRefusedAtAcceptance()
      throws Exception {
    String ns = "sms-checks";
    allChannels(ns);
    int before = twilio.requests();
    // E.164 in form, but no such number: libphonenumber refuses it at fan-out.
    env.client()
        .resource(smsNotification(ns, "bad-number", "order-update", "+10000000000"))
        .create();
    NotificationStatus failed = env.awaitPhase(ns, "bad-number", "Failed").getStatus();
    assertThat(failed.getChannels().get("sms"))
        .containsEntry("failed", 1L)
        .containsEntry("queued", 0L);
    assertThat(env.deliveriesIn(ns, "failed")).isEqualTo(1);
    assertThat(twilio.requests()).isEqualTo(before);

    NotificationTemplate oneSegment = new NotificationTemplate();
    oneSegment.setMetadata(new ObjectMetaBuilder().withName("long-sms").withNamespace(ns).build());
    oneSegment.setSpec(new dev.herald.api.template.NotificationTemplateSpec());
    oneSegment.getSpec().setSms(new SmsContent("{{ text }}", 1));
    env.client().resource(oneSegment).create();
    Notification longSms = smsNotification(ns, "too-long", "long-sms", "+14155552674");
    var data = dev.herald.core.Json.MAPPER.createObjectNode().put("text", "word ".repeat(60));
    java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> values =
        new java.util.LinkedHashMap<>();
    data.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue()));
    longSms.getSpec().setData(values);
    env.client().resource(longSms).create();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Notification n = env.notification(ns, "too-long");
              assertThat(n.getStatus()).isNotNull();
              var accepted = HeraldEnvironment.condition(n, NotificationStatus.ACCEPTED);
              assertThat(accepted.getReason()).isEqualTo("TooManySegments");
              assertThat(accepted.getMessage())
                  .contains("template.sms.body")
                  .contains("segments")
                  .contains("allows 1");
            });
    assertThat(twilio.messagesTo("+14155552674")).isEmpty();
  }

  private static Notification smsNotification(
      String ns, String name, String template, String phone) {
    Notification n = new Notification();
    n.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    var spec = new dev.herald.api.notification.NotificationSpec();
    spec.setTemplate(template);
    spec.setChannels(List.of(Channel.SMS));
    var recipient = new dev.herald.api.notification.Recipient();
    recipient.setPhone(phone);
    spec.setRecipients(List.of(recipient));
    n.setSpec(spec);
    return n;
  }

  @Test
  @Order(7)
  void noCredentialTokenPhoneOrEmailAddressAppearsUnmaskedInTheLogs() {
    List<String> lines =
        LOGS.list.stream()
            .map(
                e ->
                    e.getFormattedMessage()
                        + (e.getThrowableProxy() == null
                            ? ""
                            : " " + e.getThrowableProxy().getMessage()))
            .toList();
    assertThat(lines).as("log lines captured").isNotEmpty();
    for (String value : SENSITIVE) {
      assertThat(lines)
          .as("log lines must not contain a sensitive value")
          .noneMatch(l -> l.contains(value));
    }
  }
}
