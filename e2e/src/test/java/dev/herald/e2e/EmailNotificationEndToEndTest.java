package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.notification.Notification;
import dev.herald.api.notification.NotificationStatus;
import dev.herald.dispatcher.Dispatcher;
import dev.herald.testkit.sendgrid.ReceivedMail;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One e-mail Notification along the whole path: CR → operator → Postgres → JetStream → dispatcher →
 * SendGrid → status.
 */
class EmailNotificationEndToEndTest {
  private static HeraldEnvironment env;
  private static Dispatcher dispatcher;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-email", Duration.ofSeconds(3));
    dispatcher = env.startDispatcher("dispatcher-1");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void notificationToThreeAddressesCompletesWithRenderedEscapedMail() {
    String ns = "shop";
    env.emailSetup(ns);
    env.emailNotification(
        ns,
        "shipped-1001",
        "order-shipped",
        Map.of("orderId", "1001", "note", "<script>x</script>"),
        "ada@example.com",
        "grace@example.com",
        "linus@example.com");

    Notification done = env.awaitPhase(ns, "shipped-1001", "Completed");
    NotificationStatus status = done.getStatus();
    assertThat(status.getTotal()).isEqualTo(3);
    assertThat(status.getSent()).isEqualTo(3);
    assertThat(status.getFailed()).isZero();
    assertThat(status.getChannels().get("email"))
        .containsEntry("sent", 3L)
        .containsEntry("pending", 0L);
    assertThat(status.isTrue(NotificationStatus.ACCEPTED)).isTrue();
    assertThat(status.isTrue(NotificationStatus.COMPLETE)).isTrue();
    assertThat(status.isTrue(NotificationStatus.READY))
        .as("kubectl wait --for=condition=Ready")
        .isTrue();
    assertThat(status.getObservedGeneration()).isEqualTo(done.getMetadata().getGeneration());

    List<ReceivedMail> mails =
        env.sendgrid.mails().stream()
            .filter(
                m ->
                    m.toEmails().stream().anyMatch(t -> t.endsWith("@example.com"))
                        && m.subject().contains("1001"))
            .toList();
    assertThat(mails).hasSize(3);
    assertThat(mails)
        .flatExtracting(ReceivedMail::toEmails)
        .containsExactlyInAnyOrder("ada@example.com", "grace@example.com", "linus@example.com");
    assertThat(mails)
        .allSatisfy(
            m -> {
              assertThat(m.subject()).isEqualTo("Order 1001 has shipped");
              assertThat(m.from()).isEqualTo("notifications@herald.example");
              assertThat(m.html())
                  .contains("<b>1001</b>")
                  .contains("&lt;script&gt;x&lt;/script&gt;")
                  .doesNotContain("<script>");
              assertThat(m.text()).isEqualTo("Order 1001 shipped");
            });
  }

  @Test
  void missingTemplateIsReportedAndNothingIsSent() throws Exception {
    String ns = "no-template";
    env.secret(ns, "sendgrid-credentials", Map.of("apiKey", HeraldEnvironment.SENDGRID_KEY));
    env.sendgridProvider(ns, "sendgrid", "sendgrid-credentials");
    env.emailNotification(
        ns, "orphan", "does-not-exist", Map.of("orderId", "1"), "nobody@example.com");

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Notification n = env.notification(ns, "orphan");
              assertThat(n.getStatus()).isNotNull();
              assertThat(n.getStatus().getPhase())
                  .isEqualTo(dev.herald.api.notification.NotificationPhase.Pending);
              var accepted = HeraldEnvironment.condition(n, NotificationStatus.ACCEPTED);
              assertThat(accepted.getStatus()).isEqualTo("False");
              assertThat(accepted.getReason()).isEqualTo("TemplateNotFound");
              assertThat(accepted.getMessage())
                  .contains("spec.template")
                  .contains("does-not-exist");
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(env.client().v1().events().inNamespace(ns).list().getItems())
                    .extracting(Event::getReason)
                    .contains("TemplateNotFound"));
    assertThat(env.deliveryRows(ns)).isZero();
    assertThat(env.sendgrid.mailsTo("nobody@example.com")).isEmpty();
  }

  @Test
  void serverErrorThenAcceptedDeliversExactlyOnce() {
    String ns = "flaky";
    env.emailSetup(ns);
    env.sendgrid.failNext(1, 500);
    env.emailNotification(
        ns, "retry-me", "order-shipped", Map.of("orderId", "77", "note", "n"), "retry@example.com");

    Notification done = env.awaitPhase(ns, "retry-me", "Completed");
    assertThat(done.getStatus().getSent()).isEqualTo(1);
    assertThat(env.sendgrid.mailsTo("retry@example.com")).hasSize(1);
  }

  @Test
  void dispatcherHaltedMidRunLosesNothing() {
    Dispatcher busy = busyWithFortyMails("restart");
    // Halted as by SIGKILL: the provider will accept what it holds, the dispatcher never learns.
    busy.halt();
    env.forget(busy);
    // What the halted dispatcher may have handed to SendGrid without recording it.
    long inProviderCallAtHalt = env.deliveriesIn("restart", "sending");
    dispatcher = env.startDispatcher("dispatcher-after-halt");

    Map<String, Long> perAddress = fortyMailsCompleted("restart");
    long duplicates = perAddress.values().stream().mapToLong(c -> c - 1).sum();
    // A halt can only duplicate what was in a provider call at that instant.
    assertThat(duplicates).isLessThanOrEqualTo(inProviderCallAtHalt);
    System.out.printf(
        "halted dispatcher: 40 delivered, %d duplicate(s), %d in a provider call at the halt%n",
        duplicates, inProviderCallAtHalt);
  }

  @Test
  void aDispatcherStoppedGracefullyFinishesWhatItHoldsWithoutDuplicates() {
    Dispatcher busy = busyWithFortyMails("rolling");
    // A rolling update (SIGTERM → close): it stops pulling, and records and acknowledges what it
    // already handed over.
    env.forget(busy);
    busy.close();
    assertThat(env.deliveriesIn("rolling", "sending"))
        .as("nothing left in a provider call")
        .isZero();
    dispatcher = env.startDispatcher("dispatcher-after-close");

    Map<String, Long> perAddress = fortyMailsCompleted("rolling");
    assertThat(perAddress.values()).as("mails per address").containsOnly(1L);
  }

  /**
   * Replaces the class's dispatcher with one that alone takes a Notification of 40 mails to {@code
   * <i>@<ns>.example}, and returns it once SendGrid holds at least 10 of its requests.
   */
  private static Dispatcher busyWithFortyMails(String ns) {
    env.emailSetup(ns);
    env.forget(dispatcher);
    dispatcher.close();
    Dispatcher busy = env.startDispatcher("dispatcher-" + ns);
    int requestsBefore = env.sendgrid.requests();
    env.sendgrid.delayNext(40, Duration.ofMillis(800));
    env.emailNotification(
        ns, "forty", "order-shipped", Map.of("orderId", "4040", "note", "n"), fortyAddresses(ns));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> env.sendgrid.requests() >= requestsBefore + 10);
    return busy;
  }

  /**
   * Waits for the 40-mail Notification of {@code ns} to complete; returns mails received per
   * address.
   */
  private static Map<String, Long> fortyMailsCompleted(String ns) {
    Notification done = env.awaitPhase(ns, "forty", "Completed");
    assertThat(done.getStatus().getSent()).isEqualTo(40);
    Map<String, Long> perAddress =
        env.sendgrid.mails().stream()
            .flatMap(m -> m.toEmails().stream())
            .filter(t -> t.endsWith("@" + ns + ".example"))
            .collect(Collectors.groupingBy(t -> t, Collectors.counting()));
    assertThat(perAddress.keySet())
        .as("every address, none lost")
        .containsExactlyInAnyOrder(fortyAddresses(ns));
    return perAddress;
  }

  private static String[] fortyAddresses(String ns) {
    return IntStream.range(0, 40)
        .mapToObj(i -> "user" + i + "@" + ns + ".example")
        .toArray(String[]::new);
  }
}
