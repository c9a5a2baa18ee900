package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.notification.Notification;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Notification is sent as it was accepted: editing its spec afterwards (the mock API, like a real
 * one, lets it through) sends nothing more, and the status says the change was ignored.
 */
class ImmutableNotificationTest {
  private static HeraldEnvironment env;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-immutable", Duration.ofSeconds(3));
    env.emailSetup("shop");
    env.startDispatcher("immutable-d1");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void aChangedSpecIsReportedAsIgnoredAndSendsNothingMore() {
    env.emailNotification(
        "shop", "order-7", "order-shipped", Map.of("orderId", "7", "note", "n"), "one@example.com");
    Notification done = env.awaitPhase("shop", "order-7", "Completed");
    assertThat(done.getStatus().condition("SpecChangeIgnored")).isEmpty();

    env.client()
        .resources(Notification.class)
        .inNamespace("shop")
        .withName("order-7")
        .edit(
            n -> {
              n.getSpec()
                  .setRecipients(
                      java.util.List.of(
                          dev.herald.api.notification.Recipient.email("two@example.com")));
              return n;
            });
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              var condition =
                  HeraldEnvironment.condition(
                      env.notification("shop", "order-7"), "SpecChangeIgnored");
              assertThat(condition.getStatus()).isEqualTo("True");
              assertThat(condition.getReason()).isEqualTo("Immutable");
              assertThat(condition.getMessage()).contains("ignored");
            });
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(env.client().v1().events().inNamespace("shop").list().getItems())
                    .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("SpecChangeIgnored")));
    Notification after = env.notification("shop", "order-7");
    assertThat(after.getStatus().getPhase())
        .isEqualTo(dev.herald.api.notification.NotificationPhase.Completed);
    assertThat(after.getStatus().getTotal()).isEqualTo(1);
    assertThat(env.sendgrid.mailsTo("two@example.com")).isEmpty();
    assertThat(env.sendgrid.mailsTo("one@example.com")).hasSize(1);
  }
}
