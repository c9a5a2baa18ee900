package dev.herald.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.notification.Notification;
import dev.herald.api.notification.NotificationStatus;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.provider.DeliveryProviderStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A provider that fails for a while opens its circuit; the circuit is probed after its wait and
 * closes once the provider answers again, and every delivery is sent, once. The DeliveryProvider
 * and the Notification say what happened while it lasted.
 */
class CircuitEndToEndTest {
  private static HeraldEnvironment env;

  @BeforeAll
  static void start() {
    env = HeraldEnvironment.start("e2e-circuit", Duration.ofSeconds(5));
    env.startDispatcher(
        "dispatcher-circuit", env.dispatcherSettings.withCircuitOpenFor(Duration.ofSeconds(1)));
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void anOpenCircuitIsProbedAndClosesWhenTheProviderRecoversAndEveryDeliveryIsSent()
      throws Exception {
    String ns = "circuit";
    env.emailSetup(ns);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                "True"
                    .equals(
                        provider(ns).getStatus() == null
                            ? null
                            : provider(ns)
                                .getStatus()
                                .condition(DeliveryProviderStatus.READY)
                                .map(c -> c.getStatus())
                                .orElse(null)));
    // The provider answers 503 to everything until the test has seen the outage reported.
    env.sendgrid.failNext(1_000_000, 503);
    String[] to =
        IntStream.range(0, 80)
            .mapToObj(i -> "reader" + i + "@circuit.example")
            .toArray(String[]::new);
    env.emailNotification(ns, "burst", "order-shipped", Map.of("orderId", "7", "note", "n"), to);

    // Seen while it lasts: the provider unavailable, the Notification waiting for its circuit.
    Set<String> seen = ConcurrentHashMap.newKeySet();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              provider(ns)
                  .getStatus()
                  .condition(DeliveryProviderStatus.AVAILABLE)
                  .ifPresent(c -> seen.add("provider:" + c.getReason()));
              Notification n = env.notification(ns, "burst");
              if (n.getStatus() != null) {
                n.getStatus()
                    .condition(NotificationStatus.WAITING)
                    .ifPresent(c -> seen.add("notification:" + c.getReason()));
              }
              return seen.contains("provider:CircuitOpen")
                  && seen.contains("notification:CircuitOpen");
            });
    Instant openSeen = Instant.now();
    int failedCalls = env.sendgrid.requests();
    env.sendgrid.reset();

    Notification done = env.awaitPhase(ns, "burst", "Completed");
    assertThat(env.maxAttempts(ns)).as("waiting for the circuit is not an attempt").isLessThan(8);
    Duration recovery = Duration.between(openSeen, Instant.now());
    assertThat(done.getStatus().getSent()).isEqualTo(80);
    Map<String, Long> perRecipient =
        env.sendgrid.mails().stream()
            .collect(Collectors.groupingBy(m -> m.toEmails().get(0), Collectors.counting()));
    assertThat(perRecipient)
        .hasSize(80)
        .allSatisfy((address, mails) -> assertThat(mails).as(address).isEqualTo(1));
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              var available =
                  HeraldEnvironment.condition(provider(ns), DeliveryProviderStatus.AVAILABLE);
              assertThat(available.getStatus()).as(available.getMessage()).isEqualTo("True");
              assertThat(available.getReason()).isEqualTo("CircuitClosed");
            });
    assertThat(env.client().v1().events().inNamespace(ns).list().getItems())
        .extracting(e -> e.getReason())
        .contains("CircuitOpen", "CircuitClosed");
    System.out.printf(
        "%d provider errors until the open circuit was seen; all 80 mails sent %d ms after it recovered%n",
        failedCalls, recovery.toMillis());
  }

  private static DeliveryProvider provider(String ns) {
    return env.client()
        .resources(DeliveryProvider.class)
        .inNamespace(ns)
        .withName("sendgrid")
        .get();
  }
}
