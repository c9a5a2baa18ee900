package dev.herald.dispatcher.provider;

import dev.herald.api.Priority;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A provider's {@code rateLimit} (a token bucket holding one second of sends) and {@code
 * maxConcurrency}, shared by this process's lanes and handed out by priority: while a send of a
 * higher priority waits, no lower one is served, so a one-time password does not queue behind a
 * bulk backlog that is waiting for the same rate-limited provider. Within a priority the order is
 * not defined.
 *
 * <p>A rate limiter or bulkhead that serves callers first come, first served (resilience4j's, for
 * example) lets a backlog reserve the provider's next seconds before the urgent send arrives.
 */
final class ProviderLimits {
  static final String RATE_LIMIT = "rateLimit";
  static final String MAX_CONCURRENCY = "maxConcurrency";

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final int[] waiting = new int[Priority.values().length];
  private final int maxConcurrency;
  private final double tokensPerNano;
  private final double capacity;
  private double tokens;
  private long refilledAt;
  private int inUse;

  /** Either limit may be null (none). */
  ProviderLimits(Integer rateLimit, Integer maxConcurrency) {
    this.maxConcurrency = maxConcurrency == null ? Integer.MAX_VALUE : maxConcurrency;
    this.tokensPerNano = rateLimit == null ? 0 : rateLimit / (double) TimeUnit.SECONDS.toNanos(1);
    this.capacity = rateLimit == null ? 0 : rateLimit;
    this.tokens = capacity;
    this.refilledAt = System.nanoTime();
  }

  /**
   * Takes a concurrency slot and a rate permit, waiting at most {@code maxWait}. Empty when taken
   * (then {@link #release()} once the call is over); otherwise the limit that left no room. It
   * gives up at once when the permits the rate yields before {@code maxWait} ends are already owed
   * to sends of its priority or higher waiting with it: a backlog then goes back to wait elsewhere
   * quickly instead of holding a dispatcher's slots.
   */
  Optional<String> acquire(Priority priority, Duration maxWait) throws InterruptedException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    lock.lock();
    try {
      waiting[priority.ordinal()]++;
      try {
        while (true) {
          long now = System.nanoTime();
          long untilPermit = Long.MAX_VALUE;
          refill(now);
          if (!higherWaiting(priority) && inUse < maxConcurrency) {
            if (tokensPerNano == 0 || tokens >= 1) {
              tokens -= tokensPerNano == 0 ? 0 : 1;
              inUse++;
              return Optional.empty();
            }
            untilPermit = (long) Math.ceil((1 - tokens) / tokensPerNano);
          }
          long remaining = deadline - now;
          if (remaining <= 0 || rateCannotServeInTime(priority, remaining)) {
            return Optional.of(inUse >= maxConcurrency ? MAX_CONCURRENCY : RATE_LIMIT);
          }
          changed.awaitNanos(Math.min(untilPermit, remaining));
        }
      } finally {
        waiting[priority.ordinal()]--;
        // A lower priority may be first now.
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Gives back the slot taken by {@link #acquire}; the rate permit is spent. */
  void release() {
    lock.lock();
    try {
      inUse--;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** How many sends of this priority are waiting, for tests. */
  int waiting(Priority priority) {
    lock.lock();
    try {
      return waiting[priority.ordinal()];
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether the sends waiting ahead (at this priority or higher) use up every permit due within
   * {@code nanos}.
   */
  private boolean rateCannotServeInTime(Priority priority, long nanos) {
    if (tokensPerNano == 0) {
      return false;
    }
    int ahead = -1; // not this caller
    for (int p = 0; p <= priority.ordinal(); p++) {
      ahead += waiting[p];
    }
    return (ahead + 1 - tokens) / tokensPerNano > nanos;
  }

  private boolean higherWaiting(Priority priority) {
    for (int p = 0; p < priority.ordinal(); p++) {
      if (waiting[p] > 0) {
        return true;
      }
    }
    return false;
  }

  private void refill(long now) {
    if (tokensPerNano > 0) {
      tokens = Math.min(capacity, tokens + (now - refilledAt) * tokensPerNano);
    }
    refilledAt = now;
  }
}
