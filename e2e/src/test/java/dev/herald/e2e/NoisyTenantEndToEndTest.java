package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.notification.NotificationStatus;
import dev.herald.api.provider.DeliveryProviderSpec;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.provider.SendGridSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One namespace's backlog that must wait — its provider not Ready, or far slower than its backlog —
 * does not delay another namespace's sends on the same lane. The lane consumers hold at most 200
 * unacknowledged messages here, far fewer than the backlog: waiting work that held its place in
 * that window would starve everything behind it.
 */
class NoisyTenantEndToEndTest {
  /** Two Notifications of 1,000 recipients (the most one may have). */
  private static final int BACKLOG = 2000;

  /** The bound README states for a backlog of this size on this machine's two cores. */
  private static final Duration BOUND = Duration.ofSeconds(10);

  private static HeraldEnvironment env;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-noisy", Duration.ofSeconds(5), 200);
    env.startDispatcher("dispatcher-noisy");
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  /** The backlog: two Notifications of 1,000 e-mails each. */
  private static void backlog(String ns) {
    for (int part = 0; part < 2; part++) {
      int from = part * 1000;
      env.emailNotification(
          ns,
          "newsletter-" + part,
          "order-shipped",
          Map.of("orderId", "N", "note", "n"),
          IntStream.range(from, from + 1000)
              .mapToObj(i -> "reader" + i + "@" + ns + ".example")
              .toArray(String[]::new));
    }
  }

  /**
   * Whether the whole backlog is written (the quiet send, written after it, is published behind
   * it).
   */
  private static boolean written(String ns) {
    return ApiFixtures.count(env, "select count(*) from deliveries where tenant = ?", ns)
        == BACKLOG;
  }

  private static void template(String ns) {
    env.template(
        ns,
        "order-shipped",
        "Order {{ orderId }} has shipped",
        "<p>{{ orderId }} {{ note }}</p>",
        null);
  }

  /**
   * A quiet namespace's one e-mail, sent while the noisy one's backlog fills the same lane; how
   * long it took.
   */
  private static Duration quietSendDuringBacklog(String quiet) {
    env.emailSetup(quiet);
    Instant sent = Instant.now();
    env.emailNotification(
        quiet,
        "receipt",
        "order-shipped",
        Map.of("orderId", "Q", "note", "n"),
        "buyer@" + quiet + ".example");
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> !env.sendgrid.mailsTo("buyer@" + quiet + ".example").isEmpty());
    return Duration.between(
        sent, env.sendgrid.mailsTo("buyer@" + quiet + ".example").get(0).arrivedAt());
  }

  @Test
  void aBacklogWaitingForAProviderThatIsNotReadyDoesNotDelayAnotherNamespace() {
    String noisy = "noisy-unready";
    // The provider's Secret does not exist yet: nothing of this namespace can be sent.
    DeliveryProviderSpec spec =
        HeraldEnvironment.providerSpec(
            ProviderType.SENDGRID, "missing-credentials", env.sendgrid.baseUrl());
    spec.setSendgrid(new SendGridSettings("notifications@herald.example", "Herald"));
    env.provider(noisy, "sendgrid", spec);
    template(noisy);
    backlog(noisy);
    await().atMost(Duration.ofSeconds(30)).until(() -> written(noisy));

    Duration quiet = quietSendDuringBacklog("quiet-unready");
    System.out.printf(
        "behind %d deliveries waiting for a Ready provider, another namespace's e-mail took %d ms%n",
        BACKLOG, quiet.toMillis());
    assertThat(quiet).isLessThan(BOUND);

    // The noisy Notification says why it waits; once its Secret exists, all of it is sent, once.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var waiting =
                  HeraldEnvironment.condition(
                      env.notification(noisy, "newsletter-0"), NotificationStatus.WAITING);
              assertThat(waiting.getReason()).isEqualTo("NoReadyProvider");
              assertThat(
                      HeraldEnvironment.condition(
                              env.notification(noisy, "newsletter-0"),
                              NotificationStatus.PROVIDERS_READY)
                          .getStatus())
                  .isEqualTo("False");
            });
    env.secret(noisy, "missing-credentials", Map.of("apiKey", HeraldEnvironment.SENDGRID_KEY));
    env.awaitPhase(noisy, "newsletter-0", "Completed");
    env.awaitPhase(noisy, "newsletter-1", "Completed");
    assertThat(
            env.sendgrid.mails().stream()
                .filter(m -> m.toEmails().get(0).endsWith("@" + noisy + ".example"))
                .count())
        .as("one mail per recipient")
        .isEqualTo(BACKLOG);
  }

  @Test
  void aBacklogWaitingForARateLimitedProviderDoesNotDelayAnotherNamespace() throws Exception {
    String noisy = "noisy-throttled";
    env.limitedEmailSetup(noisy, 5, null);
    backlog(noisy);
    await().atMost(Duration.ofSeconds(30)).until(() -> written(noisy));

    Duration quiet = quietSendDuringBacklog("quiet-throttled");
    System.out.printf(
        "behind %d deliveries waiting for a 5/s provider, another namespace's e-mail took %d ms%n",
        BACKLOG, quiet.toMillis());
    assertThat(quiet).isLessThan(BOUND);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        HeraldEnvironment.condition(
                                env.notification(noisy, "newsletter-0"), NotificationStatus.WAITING)
                            .getReason())
                    .isEqualTo("Throttled"));
    assertThat(env.maxAttempts(noisy))
        .as("waiting for the rate limit is not an attempt")
        .isLessThanOrEqualTo(1);
  }
}
