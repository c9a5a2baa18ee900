package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.notification.Notification;
import dev.herald.dispatcher.Dispatcher;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Work that cannot finish normally still ends, and ends once: a delivery whose handling fails
 * outside the provider fails after a bounded number of tries, and an outcome that takes longer than
 * AckWait to record is not handed to a second dispatcher meanwhile.
 */
class StuckDeliveriesEndToEndTest {
  private static final Duration ACK_WAIT = Duration.ofSeconds(3);
  private static HeraldEnvironment env;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-stuck", ACK_WAIT);
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void aDeliveryThatKeepsFailingOutsideTheProviderFailsAfterItsAttemptsWithADeadLetter()
      throws Exception {
    String ns = "broken-content";
    env.emailSetup(ns);
    env.emailNotification(
        ns,
        "broken",
        "order-shipped",
        Map.of("orderId", "9", "note", "n"),
        "reader@broken.example");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              Notification n = env.notification(ns, "broken");
              return n.getStatus() != null && n.getStatus().getNotificationId() != null;
            });
    // The stored content no longer reads as a template: every dispatcher that loads it fails.
    ApiFixtures.execute(
        env, "update notifications set content = '{\"email\": 5}'::jsonb where tenant = ?", ns);

    Dispatcher dispatcher =
        env.startDispatcher(
            "dispatcher-broken",
            env.dispatcherSettings.withProviderLimits(3, Duration.ofSeconds(1)));
    Notification failed = env.awaitPhase(ns, "broken", "Failed");
    assertThat(failed.getStatus().getFailed()).isEqualTo(1);
    assertThat(
            ApiFixtures.string(env, "select failure_reason from deliveries where tenant = ?", ns))
        .isEqualTo("internal_error");
    assertThat(ApiFixtures.count(env, "select attempts from deliveries where tenant = ?", ns))
        .isEqualTo(3);
    try (Connection nats = env.nats.connect()) {
      assertThat(
              nats.jetStreamManagement()
                  .getStreamInfo(env.nats.names().deadLetterStream())
                  .getStreamState()
                  .getMsgCount())
          .as("dead-letter records")
          .isEqualTo(1);
    }
    assertThat(env.sendgrid.mailsTo("reader@broken.example")).isEmpty();
    env.forget(dispatcher);
    dispatcher.close();
  }

  @Test
  void anOutcomeThatTakesLongerThanAckWaitToRecordIsNotSentAgainByAnotherDispatcher() {
    String ns = "slow-outcomes";
    env.emailSetup(ns);
    // Recording 'sent' fails in this namespace while the flag is set: Postgres refusing the
    // outcome write for three AckWaits after the provider accepted each mail.
    ApiFixtures.execute(env, "create table if not exists test_faults (fail_sent boolean not null)");
    ApiFixtures.execute(env, "insert into test_faults values (true)");
    ApiFixtures.execute(
        env,
        """
        create or replace function test_fail_sent() returns trigger language plpgsql as $$
        begin
          if new.state = 'sent' and new.tenant = 'slow-outcomes' and (select bool_or(fail_sent) from test_faults) then
            raise exception 'outcome writes fail';
          end if;
          return new;
        end $$""");
    ApiFixtures.execute(
        env,
        "create trigger test_fail_sent before update on deliveries for each row execute function test_fail_sent()");
    Dispatcher first = env.startDispatcher("dispatcher-slow-1");
    Dispatcher second = env.startDispatcher("dispatcher-slow-2");
    String[] to =
        IntStream.range(0, 10).mapToObj(i -> "reader" + i + "@slow.example").toArray(String[]::new);
    env.emailNotification(ns, "slow", "order-shipped", Map.of("orderId", "10", "note", "n"), to);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                env.sendgrid.mails().stream()
                        .filter(m -> m.toEmails().get(0).endsWith("@slow.example"))
                        .count()
                    == 10);

    try {
      // While outcomes cannot be written, JetStream must not redeliver the messages in hand.
      await()
          .during(ACK_WAIT.multipliedBy(3))
          .atMost(ACK_WAIT.multipliedBy(4))
          .until(
              () ->
                  env.sendgrid.mails().stream()
                          .filter(m -> m.toEmails().get(0).endsWith("@slow.example"))
                          .count()
                      == 10);
    } finally {
      ApiFixtures.execute(env, "update test_faults set fail_sent = false");
    }
    Notification done = env.awaitPhase(ns, "slow", "Completed");
    assertThat(done.getStatus().getSent()).isEqualTo(10);
    Map<String, Long> perRecipient =
        env.sendgrid.mails().stream()
            .filter(m -> m.toEmails().get(0).endsWith("@slow.example"))
            .collect(Collectors.groupingBy(m -> m.toEmails().get(0), Collectors.counting()));
    assertThat(perRecipient)
        .hasSize(10)
        .allSatisfy((address, mails) -> assertThat(mails).as(address).isEqualTo(1));
    ApiFixtures.execute(env, "drop trigger test_fail_sent on deliveries");
    env.forget(first);
    env.forget(second);
    first.close();
    second.close();
  }

  @Test
  void aCopyThatArrivesWithinADeadDispatchersLeaseIsSentOnceTheLeaseRunsOut() {
    String ns = "died-after-recheck";
    env.emailSetup(ns);
    env.emailNotification(
        ns, "orphan", "order-shipped", Map.of("orderId", "11", "note", "n"), "orphan@died.example");
    await().atMost(Duration.ofSeconds(15)).until(() -> env.deliveriesIn(ns, "queued") == 1);
    // A dispatcher claimed it again right before its provider call, then died: the row says
    // 'sending' with a fresh claim, and JetStream hands the message to the next dispatcher
    // while that claim's lease still runs. Acknowledging it then would leave the delivery to
    // the stranded-delivery sweep, minutes later.
    ApiFixtures.execute(
        env, "update deliveries set state = 'sending', updated_at = now() where tenant = ?", ns);
    Dispatcher next = env.startDispatcher("dispatcher-next");
    await()
        .atMost(ACK_WAIT.multipliedBy(5))
        .until(() -> env.sendgrid.mailsTo("orphan@died.example").size() == 1);
    assertThat(env.awaitPhase(ns, "orphan", "Completed").getStatus().getSent()).isEqualTo(1);
    assertThat(env.sendgrid.mailsTo("orphan@died.example")).hasSize(1);
    env.forget(next);
    next.close();
  }
}
