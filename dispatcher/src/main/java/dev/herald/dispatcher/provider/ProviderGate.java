package dev.herald.dispatcher.provider;

import dev.herald.api.Priority;
import dev.herald.api.provider.DeliveryProviderSpec;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What stands between the dispatcher and one provider: its {@code maxConcurrency} and {@code
 * rateLimit} (deliveries per second), shared by all of this process's lanes and served by priority,
 * and a circuit breaker that opens when most recent calls failed in a retryable way, so that
 * deliveries fail over to the next provider of the channel instead of waiting on a broken one.
 */
public final class ProviderGate {
  private final CircuitBreaker breaker;
  private final ProviderLimits limits;
  private final Duration permitWait;

  /**
   * @param openFor how long an open circuit skips the provider
   * @param permitWait how long a send may wait for a rate-limit permit or a concurrency slot
   */
  public ProviderGate(String name, DeliveryProviderSpec spec, Duration openFor, Duration permitWait) {
    this.breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(10)
        .minimumNumberOfCalls(4)
        .failureRateThreshold(50)
        .waitDurationInOpenState(openFor)
        .permittedNumberOfCallsInHalfOpenState(2)
        .build());
    this.limits = spec.getRateLimit() == null && spec.getMaxConcurrency() == null ? null
        : new ProviderLimits(spec.getRateLimit(), spec.getMaxConcurrency());
    this.permitWait = permitWait;
  }

  /** Whether the provider is taking calls (circuit closed, or half-open and probing). */
  public boolean isAvailable() {
    return breaker.getState() != CircuitBreaker.State.OPEN && breaker.getState() != CircuitBreaker.State.FORCED_OPEN;
  }

  /**
   * Sends through the gate. Empty when the circuit would not let the call through (another
   * provider, or a later attempt, should take it); {@link SendResult.Throttled} when the
   * provider's limits left no room within {@code permitWait}.
   */
  public Optional<SendResult> send(Priority priority, Supplier<SendResult> call) {
    if (limits != null) {
      try {
        Optional<String> full = limits.acquire(priority == null ? Priority.NORMAL : priority, permitWait);
        if (full.isPresent()) {
          return Optional.of(new SendResult.Throttled(full.get()));
        }
      } catch (InterruptedException e) {
        // Stopping: the message goes back to the stream unsent.
        Thread.currentThread().interrupt();
        return Optional.of(new SendResult.Throttled("shutdown"));
      }
    }
    try {
      if (!breaker.tryAcquirePermission()) {
        return Optional.empty();
      }
      long start = System.nanoTime();
      SendResult result;
      try {
        result = call.get();
      } catch (RuntimeException e) {
        breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
        throw e;
      }
      if (result instanceof SendResult.Retry retry) {
        breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, new ProviderFailure(retry.code()));
      } else {
        breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
      return Optional.of(result);
    } finally {
      if (limits != null) {
        limits.release();
      }
    }
  }

  /** What the breaker counts: a provider answer worth retrying. */
  private static final class ProviderFailure extends RuntimeException {
    ProviderFailure(String code) {
      super(code, null, false, false);
    }
  }
}
