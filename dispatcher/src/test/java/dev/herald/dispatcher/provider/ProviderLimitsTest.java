package dev.herald.dispatcher.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.api.Priority;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A provider's rateLimit and maxConcurrency, and the order in which waiting sends are served. */
class ProviderLimitsTest {
  private static final Duration LONG = Duration.ofSeconds(20);
  private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Priority> served = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    senders.shutdownNow();
  }

  private Future<Optional<String>> waitFor(ProviderLimits limits, Priority priority) {
    return senders.submit(
        () -> {
          Optional<String> full = limits.acquire(priority, LONG);
          if (full.isEmpty()) {
            served.add(priority);
          }
          return full;
        });
  }

  @Test
  void aFreedSlotGoesToTheHighestPriorityWaitingNotTheFirstToWait() throws Exception {
    ProviderLimits limits = new ProviderLimits(null, 1);
    assertThat(limits.acquire(Priority.BULK, LONG)).isEmpty();
    Future<Optional<String>> bulk = waitFor(limits, Priority.BULK);
    await().until(() -> limits.waiting(Priority.BULK) == 1);
    Future<Optional<String>> high = waitFor(limits, Priority.HIGH);
    await().until(() -> limits.waiting(Priority.HIGH) == 1);

    limits.release();
    assertThat(high.get()).isEmpty();
    assertThat(bulk.isDone()).as("bulk still waits while the high one holds the slot").isFalse();
    limits.release();
    assertThat(bulk.get()).isEmpty();
    assertThat(served).containsExactly(Priority.HIGH, Priority.BULK);
  }

  @Test
  void theNextRatePermitGoesToTheHighestPriorityWaiting() throws Exception {
    // One permit a second and one slot: the slot is held until all three wait, so the order cannot
    // depend on when each one arrived.
    ProviderLimits limits = new ProviderLimits(1, 1);
    assertThat(limits.acquire(Priority.BULK, LONG)).isEmpty();
    Future<Optional<String>> bulk = waitFor(limits, Priority.BULK);
    Future<Optional<String>> normal = waitFor(limits, Priority.NORMAL);
    Future<Optional<String>> high = waitFor(limits, Priority.HIGH);
    await()
        .until(
            () ->
                limits.waiting(Priority.BULK) == 1
                    && limits.waiting(Priority.NORMAL) == 1
                    && limits.waiting(Priority.HIGH) == 1);

    limits.release();
    assertThat(high.get()).isEmpty();
    limits.release();
    assertThat(normal.get()).isEmpty();
    limits.release();
    assertThat(bulk.get()).isEmpty();
    assertThat(served).containsExactly(Priority.HIGH, Priority.NORMAL, Priority.BULK);
  }

  @Test
  void noRoomWithinTheWaitNamesTheLimitThatWasReached() throws Exception {
    ProviderLimits rate = new ProviderLimits(1, null);
    assertThat(rate.acquire(Priority.HIGH, LONG)).isEmpty();
    assertThat(rate.acquire(Priority.HIGH, Duration.ofMillis(50)))
        .hasValue(ProviderLimits.RATE_LIMIT);

    ProviderLimits slots = new ProviderLimits(null, 2);
    assertThat(slots.acquire(Priority.HIGH, LONG)).isEmpty();
    assertThat(slots.acquire(Priority.HIGH, LONG)).isEmpty();
    assertThat(slots.acquire(Priority.HIGH, Duration.ofMillis(50)))
        .hasValue(ProviderLimits.MAX_CONCURRENCY);
    slots.release();
    assertThat(slots.acquire(Priority.BULK, Duration.ofMillis(50))).isEmpty();
    assertThat(slots.waiting(Priority.HIGH)).isZero();
  }

  @Test
  void aSendGivesUpAtOnceWhenThePermitsDueWithinItsWaitAreOwedToSendsAheadOfIt() throws Exception {
    // One permit a second, spent; two high-priority sends wait for the next two (due in about 1 s
    // and 2 s: far enough apart that both are still waiting however slowly their threads start).
    ProviderLimits limits = new ProviderLimits(1, null);
    assertThat(limits.acquire(Priority.HIGH, LONG)).isEmpty();
    waitFor(limits, Priority.HIGH);
    waitFor(limits, Priority.HIGH);
    await().until(() -> limits.waiting(Priority.HIGH) == 2);

    // A third can be served within 4 s (at about 3 s, after the two ahead of it), so it waits ...
    long start = System.nanoTime();
    assertThat(limits.acquire(Priority.NORMAL, Duration.ofSeconds(4))).isEmpty();
    // ... but a fourth, behind three, with 500 ms to wait, gives up without waiting them out.
    waitFor(limits, Priority.HIGH);
    await().until(() -> limits.waiting(Priority.HIGH) >= 1);
    start = System.nanoTime();
    assertThat(limits.acquire(Priority.BULK, Duration.ofMillis(500)))
        .hasValue(ProviderLimits.RATE_LIMIT);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("gave up before its wait was over")
        .isLessThan(Duration.ofMillis(400));
  }

  @Test
  void withoutLimitsNobodyWaits() throws Exception {
    ProviderLimits none = new ProviderLimits(null, null);
    for (int i = 0; i < 1000; i++) {
      assertThat(none.acquire(Priority.BULK, Duration.ZERO)).isEmpty();
    }
  }
}
