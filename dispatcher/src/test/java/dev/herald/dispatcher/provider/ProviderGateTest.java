package dev.herald.dispatcher.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Priority;
import dev.herald.api.provider.DeliveryProviderSpec;
import dev.herald.dispatcher.provider.ProviderGate.Circuit;
import dev.herald.dispatcher.provider.ProviderGate.Passage;
import dev.herald.providers.SendResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The circuit in front of one provider: it opens on failures, probes after its wait, and closes on
 * success.
 */
class ProviderGateTest {
  private final List<String> transitions = new CopyOnWriteArrayList<>();
  private final ProviderGate gate =
      new ProviderGate(
          "ns/p",
          new DeliveryProviderSpec(),
          Duration.ofMillis(300),
          Duration.ofSeconds(1),
          (from, to, lastError) -> transitions.add(from + ">" + to + ":" + lastError));

  private Passage send(SendResult result) {
    return gate.send(Priority.NORMAL, () -> true, () -> result);
  }

  @Test
  void anOpenCircuitIsProbedAfterItsWaitAndClosesWhenTheProbesSucceed() {
    for (int i = 0; i < 20; i++) {
      send(new SendResult.Retry("http_503", "unavailable", null));
    }
    assertThat(gate.circuit()).isEqualTo(Circuit.OPEN);
    assertThat(send(new SendResult.Accepted("m"))).isInstanceOf(Passage.CircuitOpen.class);

    // Once the wait is over the next sends are let through as probes, and two successes close it.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> send(new SendResult.Accepted("m")) instanceof Passage.Called);
    send(new SendResult.Accepted("m"));
    assertThat(gate.circuit()).isEqualTo(Circuit.CLOSED);
    assertThat(transitions)
        .containsExactly(
            "CLOSED>OPEN:http_503", "OPEN>HALF_OPEN:http_503", "HALF_OPEN>CLOSED:http_503");
  }

  @Test
  void aProviderThatSaysNotBeforeIsNotCalledUntilThenAndTheWaitIsNoAttempt() {
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    java.time.Instant before = java.time.Instant.now();
    Passage limited =
        gate.send(
            Priority.NORMAL,
            () -> true,
            () -> {
              calls.incrementAndGet();
              return new SendResult.Retry("http_429", "too many requests", Duration.ofSeconds(2));
            });
    assertThat(limited).isInstanceOf(Passage.Called.class);
    for (int i = 0; i < 50; i++) {
      Passage next =
          gate.send(
              Priority.HIGH,
              () -> true,
              () -> {
                calls.incrementAndGet();
                return new SendResult.Accepted("m");
              });
      assertThat(next)
          .isInstanceOfSatisfying(
              Passage.Throttled.class,
              t -> {
                assertThat(t.limit()).isEqualTo(ProviderGate.PROVIDER_RATE_LIMIT);
                assertThat(t.dueAt()).isAfterOrEqualTo(before.plusSeconds(2));
              });
    }
    assertThat(calls).as("only the call that was told to wait").hasValue(1);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> send(new SendResult.Accepted("m")) instanceof Passage.Called);
    assertThat(java.time.Instant.now()).isAfterOrEqualTo(before.plusSeconds(2));
  }

  @Test
  void aNotBeforeFarAwayIsObeyedForAMinuteAtMost() {
    send(new SendResult.Retry("http_429", "reset in a day", Duration.ofDays(1)));
    assertThat(send(new SendResult.Accepted("m")))
        .isInstanceOfSatisfying(
            Passage.Throttled.class,
            t ->
                assertThat(t.dueAt())
                    .isBefore(
                        java.time.Instant.now().plus(ProviderGate.MAX_PAUSE).plusSeconds(16)));
  }

  @Test
  void aFailedProbeOpensTheCircuitForLonger() {
    for (int i = 0; i < 20; i++) {
      send(new SendResult.Retry("timeout", "slow", null));
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> send(new SendResult.Retry("timeout", "slow", null)) instanceof Passage.Called);
    send(new SendResult.Retry("timeout", "slow", null));
    assertThat(gate.circuit()).isEqualTo(Circuit.OPEN);
    Passage refused = send(new SendResult.Accepted("m"));
    assertThat(refused)
        .isInstanceOfSatisfying(
            Passage.CircuitOpen.class,
            open ->
                assertThat(open.probeAt())
                    .as("twice the first wait")
                    .isAfter(java.time.Instant.now().plusMillis(400)));
  }

  @Test
  void aDeliveryNoLongerWantedIsNotSentAndDoesNotCount() {
    Passage withdrawn =
        gate.send(
            Priority.HIGH,
            () -> false,
            () -> {
              throw new AssertionError("the provider must not be called");
            });
    assertThat(withdrawn).isInstanceOf(Passage.Withdrawn.class);
    assertThat(gate.circuit()).isEqualTo(Circuit.CLOSED);
  }
}
