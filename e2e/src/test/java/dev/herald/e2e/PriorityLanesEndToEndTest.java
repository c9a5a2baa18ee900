package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Priority;
import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A one-time password does not wait behind a bulk send: the high lane is pulled first. */
class PriorityLanesEndToEndTest {
  private static HeraldEnvironment env;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-lanes", Duration.ofSeconds(10));
    // A dispatcher that can hold only a few deliveries at once, so that a backlog forms in the
    // stream,
    // and waits out slow provider calls.
    env.startDispatcher(
        "dispatcher",
        env.dispatcherSettings.withMaxInFlight(4).withSendTimeout(Duration.ofSeconds(20)));
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void aHighPriorityNotificationOvertakesABulkBacklog() {
    String ns = "lanes";
    env.emailSetup(ns);
    env.sendgrid.reset();
    env.sendgrid.delayNext(1000, Duration.ofMillis(40));
    String[] bulk =
        IntStream.range(0, 300)
            .mapToObj(i -> "reader" + i + "@bulk.example")
            .toArray(String[]::new);
    env.emailNotification(
        ns,
        "newsletter",
        "order-shipped",
        Map.of("orderId", "0", "note", "n"),
        Priority.BULK,
        bulk);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                env.sendgrid.mails().stream()
                    .anyMatch(
                        m -> m.toEmails().stream().anyMatch(t -> t.endsWith("@bulk.example"))));

    env.emailNotification(
        ns,
        "otp",
        "order-shipped",
        Map.of("orderId", "OTP", "note", "n"),
        Priority.HIGH,
        "urgent@example.com");

    env.awaitPhase(ns, "otp", "Completed");
    long bulkSentWhenOtpDone =
        env.sendgrid.mails().stream()
            .filter(m -> m.toEmails().stream().anyMatch(t -> t.endsWith("@bulk.example")))
            .count();
    System.out.printf(
        "one-time password delivered after %d of 300 bulk mails%n", bulkSentWhenOtpDone);
    assertThat(bulkSentWhenOtpDone)
        .as("bulk mails sent before the high-priority one finished")
        .isLessThan(150);
    env.awaitPhase(ns, "newsletter", "Completed");
  }

  @Test
  void aHighPriorityNotificationIsSentWhileBulkHoldsEverySlot() {
    String ns = "slots";
    env.emailSetup(ns);
    env.sendgrid.reset();
    // Four slow bulk calls take all four of the dispatcher's shared e-mail slots.
    env.sendgrid.delayNext(4, Duration.ofSeconds(6));
    String[] bulk =
        IntStream.range(0, 4).mapToObj(i -> "slow" + i + "@bulk.example").toArray(String[]::new);
    env.emailNotification(
        ns,
        "slow-newsletter",
        "order-shipped",
        Map.of("orderId", "0", "note", "n"),
        Priority.BULK,
        bulk);
    await().atMost(Duration.ofSeconds(30)).until(() -> env.sendgrid.requestsInFlight() == 4);

    env.emailNotification(
        ns,
        "otp",
        "order-shipped",
        Map.of("orderId", "OTP", "note", "n"),
        Priority.HIGH,
        "urgent@example.com");

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !env.sendgrid.mailsTo("urgent@example.com").isEmpty());
    assertThat(env.sendgrid.requestsInFlight())
        .as("the bulk calls are still under way")
        .isEqualTo(4);
    assertThat(env.sendgrid.mails())
        .as("no bulk mail finished before the one-time password")
        .extracting(m -> m.toEmails().get(0))
        .containsExactly("urgent@example.com");
    env.awaitPhase(ns, "slow-newsletter", "Completed");
  }
}
