package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Priority;
import dev.herald.api.notification.Notification;
import dev.herald.dispatcher.Dispatcher;
import dev.herald.testkit.sendgrid.ReceivedMail;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A provider's {@code rateLimit} and {@code maxConcurrency}, held by a dispatcher with more work
 * than they allow.
 */
class ProviderLimitsEndToEndTest {
  private static HeraldEnvironment env;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-limits", Duration.ofSeconds(3));
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void rateLimitAndMaxConcurrencyHoldAndThrottledDeliveriesWaitWithoutUsingAttempts()
      throws Exception {
    String ns = "limits";
    env.limitedEmailSetup(ns, 4, 2);
    // Two attempts only, and a short wait for a permit: were a throttled send counted as an
    // attempt, most of these deliveries would fail as exhausted.
    Dispatcher dispatcher =
        env.startDispatcher(
            "dispatcher-limits",
            env.dispatcherSettings.withProviderLimits(2, Duration.ofMillis(100)));
    env.sendgrid.reset();
    env.sendgrid.delayNext(1000, Duration.ofMillis(150));
    String[] addresses =
        IntStream.range(0, 20)
            .mapToObj(i -> "reader" + i + "@limits.example")
            .toArray(String[]::new);

    env.emailNotification(
        ns, "limited", "order-shipped", Map.of("orderId", "20", "note", "n"), addresses);

    Notification done = env.awaitPhase(ns, "limited", "Completed");
    assertThat(done.getStatus().getSent()).isEqualTo(20);
    assertThat(done.getStatus().getFailed()).isZero();
    List<Instant> arrivals = env.sendgrid.arrivals();
    assertThat(arrivals).hasSize(20);
    assertThat(env.sendgrid.peakConcurrentRequests()).as("maxConcurrency").isLessThanOrEqualTo(2);
    // 4 permits a second: 20 sends need five one-second periods, so the last starts > 3 s after the
    // first.
    Duration span = Duration.between(arrivals.get(0), arrivals.get(arrivals.size() - 1));
    assertThat(span).as("rateLimit").isGreaterThan(Duration.ofSeconds(3));
    assertThat(env.maxAttempts(ns)).as("provider calls per delivery").isEqualTo(1);
    System.out.printf(
        "rateLimit 4/s, maxConcurrency 2: 20 mails over %d ms, at most %d at once%n",
        span.toMillis(), env.sendgrid.peakConcurrentRequests());
    env.forget(dispatcher);
    dispatcher.close();
  }

  @Test
  void aHighPriorityNotificationIsNotQueuedBehindABacklogWaitingForTheSameRateLimit()
      throws Exception {
    String ns = "rate-priority";
    env.limitedEmailSetup(ns, 10, null);
    // Default settings: bulk sends in hand wait for a permit, or wait in Postgres for their turn.
    Dispatcher dispatcher = env.startDispatcher("dispatcher-rate-priority");
    String[] backlog =
        IntStream.range(0, 150)
            .mapToObj(i -> "reader" + i + "@backlog.example")
            .toArray(String[]::new);
    env.emailNotification(
        ns,
        "newsletter",
        "order-shipped",
        Map.of("orderId", "0", "note", "n"),
        Priority.BULK,
        backlog);
    await().atMost(Duration.ofSeconds(30)).until(() -> bulkMails() >= 10);

    long bulkBefore = bulkMails();
    env.emailNotification(
        ns,
        "otp",
        "order-shipped",
        Map.of("orderId", "OTP", "note", "n"),
        Priority.HIGH,
        "urgent@rate-priority.example");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !env.sendgrid.mailsTo("urgent@rate-priority.example").isEmpty());
    List<ReceivedMail> mails = env.sendgrid.mails();
    int otpAt =
        IntStream.range(0, mails.size())
            .filter(i -> mails.get(i).toEmails().contains("urgent@rate-priority.example"))
            .findFirst()
            .orElseThrow();
    long bulkAhead =
        mails.subList(0, otpAt).stream().filter(ProviderLimitsEndToEndTest::isBulk).count()
            - bulkBefore;
    System.out.printf(
        "rateLimit 10/s: the one-time password went out after %d more bulk mails%n", bulkAhead);
    // First come, first served, the bulk sends holding the next permits would go first.
    assertThat(bulkAhead)
        .as("bulk mails sent between the one-time password's creation and its send")
        .isLessThan(30);
    // The rest of the backlog is of no interest: stop at once rather than drain it.
    env.forget(dispatcher);
    dispatcher.halt();
  }

  private static long bulkMails() {
    return env.sendgrid.mails().stream().filter(ProviderLimitsEndToEndTest::isBulk).count();
  }

  private static boolean isBulk(ReceivedMail mail) {
    return mail.toEmails().stream().anyMatch(t -> t.endsWith("@backlog.example"));
  }
}
