package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Channel;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.provider.DeliveryProviderSpec;
import dev.herald.api.provider.DeliveryProviderStatus;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.provider.SmtpSettings;
import dev.herald.api.provider.TwilioSettings;
import dev.herald.api.provider.VonageSettings;
import dev.herald.api.template.NotificationTemplate;
import dev.herald.api.template.NotificationTemplateSpec;
import dev.herald.api.template.SmsContent;
import dev.herald.testkit.smtp.SmtpSimulator;
import dev.herald.testkit.twilio.TwilioSimulator;
import dev.herald.testkit.vonage.VonageSimulator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failover across vendors: a channel's providers, whatever their types, are tried in {@code
 * spec.order}. With SendGrid down (its circuit open) e-mail goes out through an SMTP relay, and
 * with Twilio down SMS goes out through Vonage; once the first vendor answers again its circuit
 * closes and it takes the traffic back. Each recipient is counted at the simulators: one message
 * each, from the vendor that was up.
 */
class VendorFailoverEndToEndTest {
  private static HeraldEnvironment env;
  private static SmtpSimulator relay;
  private static TwilioSimulator twilio;
  private static VonageSimulator vonage;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-vendor-failover", Duration.ofSeconds(3));
    env.startDispatcher(
        "dispatcher-vendors", env.dispatcherSettings.withCircuitOpenFor(Duration.ofSeconds(1)));
    relay = SmtpSimulator.start();
    twilio = TwilioSimulator.start();
    vonage = VonageSimulator.start();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {relay, twilio, vonage}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // the next simulator still closes
      }
    }
  }

  @Test
  void eMailGoesThroughSmtpWhileSendGridIsDownAndBackToSendGridOnceItRecovers() {
    String ns = "mail-vendors";
    env.secret(ns, "sendgrid-credentials", Map.of("apiKey", HeraldEnvironment.SENDGRID_KEY));
    env.sendgridProvider(ns, "sendgrid", "sendgrid-credentials", env.sendgrid.baseUrl(), 10);
    env.secret(ns, "smtp-credentials", relay.credentials());
    DeliveryProviderSpec smtp =
        HeraldEnvironment.providerSpec(ProviderType.SMTP, "smtp-credentials", null);
    smtp.setSmtp(
        new SmtpSettings(
            relay.host(),
            relay.port(),
            SmtpSettings.Security.STARTTLS,
            "orders@shop.example",
            "Example Shop",
            null));
    smtp.setOrder(20);
    env.provider(ns, "smtp", smtp);
    env.template(
        ns, "order-shipped", "Order {{ orderId }} has shipped", "<p>{{ orderId }}</p>", null);
    awaitReady(ns, "sendgrid");
    awaitReady(ns, "smtp");

    env.sendgrid.failNext(1_000_000, 503);
    String[] down = addresses("down", 20, i -> "down" + i + "@vendors.example");
    env.emailNotification(ns, "during-outage", "order-shipped", Map.of("orderId", "1"), down);
    assertThat(env.awaitPhase(ns, "during-outage", "Completed").getStatus().getSent())
        .isEqualTo(20);
    assertThat(env.sendgrid.requests()).as("SendGrid, first in order, was tried").isPositive();
    assertThat(env.sendgrid.mails()).isEmpty();
    for (String address : down) {
      assertThat(relay.mailsTo(address)).as(address).hasSize(1);
    }
    assertOutage(ns, "sendgrid");

    env.sendgrid.reset();
    // Single sends until SendGrid's circuit has closed: once its wait is over it lets probes
    // through, and closes when they succeed.
    sendUntilClosed(
        ns,
        "sendgrid",
        i ->
            env.emailNotification(
                ns,
                "probe-" + i,
                "order-shipped",
                Map.of("orderId", "p"),
                "probe" + i + "@vendors.example"));
    assertThat(env.sendgrid.mails()).as("the probes went to SendGrid").isNotEmpty();

    int relayed = relay.mails().size();
    String[] back = addresses("back", 20, i -> "back" + i + "@vendors.example");
    env.emailNotification(ns, "after-recovery", "order-shipped", Map.of("orderId", "2"), back);
    assertThat(env.awaitPhase(ns, "after-recovery", "Completed").getStatus().getSent())
        .isEqualTo(20);
    for (String address : back) {
      assertThat(env.sendgrid.mailsTo(address)).as(address).hasSize(1);
    }
    assertThat(relay.mails())
        .as("nothing more through the relay once SendGrid is back")
        .hasSize(relayed);
  }

  @Test
  void smsGoesThroughVonageWhileTwilioIsDownAndBackToTwilioOnceItRecovers() {
    String ns = "sms-vendors";
    env.secret(
        ns, "twilio", Map.of("accountSid", twilio.accountSid(), "authToken", twilio.authToken()));
    DeliveryProviderSpec first =
        HeraldEnvironment.providerSpec(ProviderType.TWILIO, "twilio", twilio.baseUrl());
    first.setTwilio(new TwilioSettings("+14155550100", null, null));
    first.setOrder(10);
    env.provider(ns, "twilio", first);
    env.secret(ns, "vonage", vonage.credentials());
    DeliveryProviderSpec second =
        HeraldEnvironment.providerSpec(ProviderType.VONAGE, "vonage", vonage.baseUrl());
    second.setVonage(new VonageSettings("HeraldShop", null));
    second.setOrder(20);
    env.provider(ns, "vonage", second);
    NotificationTemplate t = new NotificationTemplate();
    t.setMetadata(new ObjectMetaBuilder().withName("order-update").withNamespace(ns).build());
    NotificationTemplateSpec spec = new NotificationTemplateSpec();
    spec.setSms(new SmsContent("Order {{ recipient.id }} is on its way.", 1));
    t.setSpec(spec);
    env.client().resource(t).create();
    awaitReady(ns, "twilio");
    awaitReady(ns, "vonage");

    IntFunction<String> phone = i -> String.format("+4915112346%03d", i);
    twilio.failNext(1_000_000, 20503);
    String[] down = users(ns, "down", 0, 20, phone);
    env.userNotification(ns, "during-outage", "order-update", List.of(Channel.SMS), down);
    assertThat(env.awaitPhase(ns, "during-outage", "Completed").getStatus().getSent())
        .isEqualTo(20);
    assertThat(twilio.requests()).as("Twilio, first in order, was tried").isPositive();
    assertThat(twilio.messages()).isEmpty();
    for (int i = 0; i < 20; i++) {
      assertThat(vonage.messagesTo(digits(phone.apply(i)))).as(phone.apply(i)).hasSize(1);
    }
    assertOutage(ns, "twilio");

    twilio.reset();
    AtomicInteger next = new AtomicInteger(100);
    sendUntilClosed(
        ns,
        "twilio",
        i -> {
          int n = next.getAndIncrement();
          env.userNotification(
              ns,
              "probe-" + i,
              "order-update",
              List.of(Channel.SMS),
              users(ns, "probe", n, n + 1, phone));
        });
    assertThat(twilio.messages()).as("the probes went to Twilio").isNotEmpty();

    int viaVonage = vonage.messages().size();
    String[] back = users(ns, "back", 200, 220, phone);
    env.userNotification(ns, "after-recovery", "order-update", List.of(Channel.SMS), back);
    assertThat(env.awaitPhase(ns, "after-recovery", "Completed").getStatus().getSent())
        .isEqualTo(20);
    for (int i = 200; i < 220; i++) {
      assertThat(twilio.messagesTo(phone.apply(i))).as(phone.apply(i)).hasSize(1);
    }
    assertThat(vonage.messages())
        .as("nothing more through Vonage once Twilio is back")
        .hasSize(viaVonage);
  }

  /**
   * Sends with {@code send} (a new notification {@code probe-i} each time) and waits for it to
   * finish, until the recovered provider's DeliveryProvider says its circuit is closed.
   */
  private static void sendUntilClosed(String ns, String provider, IntConsumer send) {
    AtomicInteger round = new AtomicInteger();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              int i = round.getAndIncrement();
              send.accept(i);
              env.awaitPhase(ns, "probe-" + i, "Completed");
              return "CircuitClosed".equals(condition(ns, provider).getReason());
            });
  }

  /**
   * The provider's circuit is not closed: open, or half-open after its one-second wait (the
   * DeliveryProvider samples the state, so it may never show the open one).
   */
  private static void assertOutage(String ns, String provider) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(condition(ns, provider).getReason())
                    .isIn("CircuitOpen", "CircuitHalfOpen"));
  }

  private static String[] addresses(String prefix, int count, IntFunction<String> address) {
    return IntStream.range(0, count).mapToObj(address).toArray(String[]::new);
  }

  /**
   * Users {@code prefix-from} … {@code prefix-(to-1)} with the phone numbers {@code phone} gives.
   */
  private static String[] users(
      String ns, String prefix, int from, int to, IntFunction<String> phone) {
    Function<Integer, String> id = i -> prefix + "-" + i;
    for (int i = from; i < to; i++) {
      env.user(ns, id.apply(i), null, phone.apply(i));
    }
    return IntStream.range(from, to).mapToObj(id::apply).toArray(String[]::new);
  }

  /** Vonage's API takes numbers without the leading {@code +}. */
  private static String digits(String e164) {
    return e164.substring(1);
  }

  private static void awaitReady(String ns, String name) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        HeraldEnvironment.condition(
                                provider(ns, name), DeliveryProviderStatus.READY)
                            .getStatus())
                    .isEqualTo("True"));
  }

  private static io.fabric8.kubernetes.api.model.Condition condition(String ns, String name) {
    return HeraldEnvironment.condition(provider(ns, name), DeliveryProviderStatus.AVAILABLE);
  }

  private static DeliveryProvider provider(String ns, String name) {
    return env.client().resources(DeliveryProvider.class).inNamespace(ns).withName(name).get();
  }
}
