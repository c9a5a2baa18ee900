package dev.herald.dispatcher.provider;

import dev.herald.api.provider.DeliveryProviderSpec;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What stands between the dispatcher and one provider: its {@code maxConcurrency} (a bulkhead) and
 * {@code rateLimit} (deliveries per second), shared by all of this process's lanes, and a circuit
 * breaker that opens when most recent calls failed in a retryable way, so that deliveries fail
 * over to the next provider of the channel instead of waiting on a broken one.
 */
public final class ProviderGate {
  private final CircuitBreaker breaker;
  private final RateLimiter rateLimiter;
  private final Bulkhead bulkhead;

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
    this.rateLimiter = spec.getRateLimit() == null ? null : RateLimiter.of(name, RateLimiterConfig.custom()
        .limitForPeriod(spec.getRateLimit())
        .limitRefreshPeriod(Duration.ofSeconds(1))
        .timeoutDuration(permitWait)
        .build());
    this.bulkhead = spec.getMaxConcurrency() == null ? null : Bulkhead.of(name, BulkheadConfig.custom()
        .maxConcurrentCalls(spec.getMaxConcurrency())
        .maxWaitDuration(permitWait)
        .build());
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
  public Optional<SendResult> send(Supplier<SendResult> call) {
    try {
      if (bulkhead != null) {
        bulkhead.acquirePermission();
      }
    } catch (BulkheadFullException e) {
      return Optional.of(new SendResult.Throttled("maxConcurrency"));
    }
    try {
      if (rateLimiter != null) {
        RateLimiter.waitForPermission(rateLimiter);
      }
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
    } catch (RequestNotPermitted e) {
      return Optional.of(new SendResult.Throttled("rateLimit"));
    } finally {
      if (bulkhead != null) {
        bulkhead.onComplete();
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
