package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.notification.Notification;
import dev.herald.api.provider.DeliveryProviderSpec;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.provider.SendGridSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A provider's {@code rateLimit} and {@code maxConcurrency}, held by a dispatcher with more work than they allow. */
class ProviderLimitsEndToEndTest {
  private static HeraldEnvironment env;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-limits", Duration.ofSeconds(3));
    // Two attempts only, and a short wait for a permit: were a throttled send counted as an
    // attempt, most of these deliveries would fail as exhausted.
    env.startDispatcher("dispatcher-limits", env.dispatcherSettings.withProviderLimits(2, Duration.ofMillis(100)));
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void rateLimitAndMaxConcurrencyHoldAndThrottledDeliveriesWaitWithoutUsingAttempts() throws Exception {
    String ns = "limits";
    env.secret(ns, "sendgrid-credentials", Map.of("apiKey", HeraldEnvironment.SENDGRID_KEY));
    DeliveryProviderSpec spec = HeraldEnvironment.providerSpec(ProviderType.SENDGRID, "sendgrid-credentials",
        env.sendgrid.baseUrl());
    spec.setSendgrid(new SendGridSettings("notifications@herald.example", "Herald"));
    spec.setRateLimit(4);
    spec.setMaxConcurrency(2);
    env.provider(ns, "sendgrid", spec);
    env.template(ns, "order-shipped", "Order {{ orderId }} has shipped", "<p>{{ orderId }} {{ note }}</p>", null);
    env.sendgrid.reset();
    env.sendgrid.delayNext(1000, Duration.ofMillis(150));
    String[] addresses = IntStream.range(0, 20).mapToObj(i -> "reader" + i + "@limits.example").toArray(String[]::new);

    env.emailNotification(ns, "limited", "order-shipped", Map.of("orderId", "20", "note", "n"), addresses);

    Notification done = env.awaitPhase(ns, "limited", "Completed");
    assertThat(done.getStatus().getSent()).isEqualTo(20);
    assertThat(done.getStatus().getFailed()).isZero();
    List<Instant> arrivals = env.sendgrid.arrivals();
    assertThat(arrivals).hasSize(20);
    assertThat(env.sendgrid.peakConcurrentRequests()).as("maxConcurrency").isLessThanOrEqualTo(2);
    // 4 permits a second: 20 sends need five one-second periods, so the last starts > 3 s after the first.
    Duration span = Duration.between(arrivals.get(0), arrivals.get(arrivals.size() - 1));
    assertThat(span).as("rateLimit").isGreaterThan(Duration.ofSeconds(3));
    assertThat(env.maxAttempts(ns)).as("provider calls per delivery").isEqualTo(1);
    System.out.printf("rateLimit 4/s, maxConcurrency 2: 20 mails over %d ms, at most %d at once%n",
        span.toMillis(), env.sendgrid.peakConcurrentRequests());
  }
}
