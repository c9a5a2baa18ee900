package dev.herald.dispatcher.provider;

import dev.herald.api.Priority;
import dev.herald.api.provider.DeliveryProviderSpec;
import dev.herald.dispatcher.metrics.ProviderMetrics;
import dev.herald.providers.SendResult;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What stands between the dispatcher and one provider: its {@code maxConcurrency} and {@code
 * rateLimit} (deliveries per second), shared by all of this process's lanes and served by priority,
 * and a circuit breaker that opens when most recent calls failed in a retryable way, so that
 * deliveries fail over to the next provider of the channel instead of waiting on a broken one.
 *
 * <p>A provider that answers "not before" (a 429 with its reset time, a 503 with Retry-After) is
 * not called again by this process until then: the sends that follow wait in Postgres for that time
 * without an attempt, instead of each collecting a 429 of its own.
 *
 * <p>An open circuit lets probes through once its wait is over (the breaker moves itself to
 * half-open) and closes when they succeed; each time it opens again it waits twice as long, up to
 * {@link #MAX_OPEN}, so a short burst of errors costs seconds and a provider that is down is probed
 * rarely.
 */
public final class ProviderGate {
  /** The longest an open circuit waits before it is probed. */
  static final Duration MAX_OPEN = Duration.ofMinutes(2);

  /**
   * How long a send refused by a half-open circuit (its probes are out) waits before it asks again.
   */
  static final Duration HALF_OPEN_RETRY = Duration.ofSeconds(2);

  /**
   * The longest a provider's "not before" is obeyed for: a reset far off is more likely a bad
   * clock.
   */
  static final Duration MAX_PAUSE = Duration.ofMinutes(1);

  /** The limit a throttled send names while the provider asked not to be called. */
  public static final String PROVIDER_RATE_LIMIT = "the provider's rate limit";

  /** The breaker's states as Herald names them (status, logs, the provider_circuits table). */
  public enum Circuit {
    CLOSED,
    OPEN,
    HALF_OPEN;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Told of every change of the circuit's state, with the provider's last retryable error. */
  @FunctionalInterface
  public interface CircuitListener {
    void changed(Circuit from, Circuit to, String lastError);
  }

  /** What became of a send through the gate. */
  public sealed interface Passage {
    /** The provider was called and answered. */
    record Called(SendResult result) implements Passage {}

    /** The circuit let no call through; it is next probed at about {@code probeAt}. */
    record CircuitOpen(Instant probeAt) implements Passage {}

    /**
     * The provider's {@code limit} ({@code rateLimit} or {@code maxConcurrency}) had no room in
     * time; this process expects room at {@code dueAt}. The provider was not called: neither an
     * attempt nor a sign that it is failing.
     */
    record Throttled(String limit, Instant dueAt) implements Passage {}

    /** Not called: the delivery is no longer wanted (cancelled, erased, opted out meanwhile). */
    record Withdrawn() implements Passage {}
  }

  private final CircuitBreaker breaker;
  private final ProviderMetrics metrics;
  private final ProviderLimits limits;
  private final Duration permitWait;
  private final Duration openFor;
  private final long nanosPerPermit;
  private long reservedUntil = System.nanoTime();
  private volatile String lastError;
  private volatile int opened;
  private volatile Instant probeAt = Instant.now();

  /** Not before this instant, as the provider asked (epoch: no pause). */
  private volatile Instant pausedUntil = Instant.EPOCH;

  /**
   * @param openFor how long a circuit stays open the first time it opens
   * @param permitWait how long a send may wait for a rate-limit permit or a concurrency slot
   */
  public ProviderGate(
      String name,
      DeliveryProviderSpec spec,
      Duration openFor,
      Duration permitWait,
      CircuitListener listener) {
    this(name, spec, openFor, permitWait, listener, ProviderMetrics.discarded());
  }

  /**
   * @param metrics the provider's meters; its circuit gauge follows this gate from now on
   */
  public ProviderGate(
      String name,
      DeliveryProviderSpec spec,
      Duration openFor,
      Duration permitWait,
      CircuitListener listener,
      ProviderMetrics metrics) {
    this.openFor = openFor;
    this.metrics = metrics;
    this.breaker =
        CircuitBreaker.of(
            name,
            CircuitBreakerConfig.custom()
                // Over the last 10 s, not the last 10 calls: at thousands of sends a second a
                // handful of
                // connection errors is noise, not an outage.
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(20)
                .failureRateThreshold(50)
                .waitIntervalFunctionInOpenState(attempt -> openWait(attempt).toMillis())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .permittedNumberOfCallsInHalfOpenState(2)
                .build());
    breaker
        .getEventPublisher()
        .onStateTransition(
            e -> {
              Circuit from = circuit(e.getStateTransition().getFromState());
              Circuit to = circuit(e.getStateTransition().getToState());
              if (to == Circuit.OPEN) {
                opened = from == Circuit.HALF_OPEN ? opened + 1 : 1;
                probeAt = Instant.now().plus(openWait(opened));
              } else if (to == Circuit.CLOSED) {
                opened = 0;
              }
              listener.changed(from, to, lastError);
            });
    this.limits =
        spec.getRateLimit() == null && spec.getMaxConcurrency() == null
            ? null
            : new ProviderLimits(spec.getRateLimit(), spec.getMaxConcurrency());
    this.nanosPerPermit =
        spec.getRateLimit() == null ? 0 : TimeUnit.SECONDS.toNanos(1) / spec.getRateLimit();
    this.permitWait = permitWait;
    metrics.circuit(this::circuit);
  }

  private Duration openWait(int attempt) {
    long millis = openFor.toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
    return Duration.ofMillis(Math.min(millis, Math.max(MAX_OPEN.toMillis(), openFor.toMillis())));
  }

  private static Circuit circuit(CircuitBreaker.State state) {
    return switch (state) {
      case CLOSED, DISABLED, METRICS_ONLY -> Circuit.CLOSED;
      case HALF_OPEN -> Circuit.HALF_OPEN;
      case OPEN, FORCED_OPEN -> Circuit.OPEN;
    };
  }

  /** The circuit's state now. */
  public Circuit circuit() {
    return circuit(breaker.getState());
  }

  /**
   * Sends through the gate: the circuit's permission first, then the provider's limits, then {@code
   * stillWanted} (asked right before the call, after any wait), then the call.
   */
  public Passage send(Priority priority, BooleanSupplier stillWanted, Supplier<SendResult> call) {
    // Asking for a permission (not reading the state) is what moves an open circuit to half-open.
    if (!breaker.tryAcquirePermission()) {
      Instant next =
          breaker.getState() == CircuitBreaker.State.HALF_OPEN || probeAt.isBefore(Instant.now())
              ? Instant.now().plus(HALF_OPEN_RETRY)
              : probeAt;
      return new Passage.CircuitOpen(jitter(next));
    }
    Instant pause = pausedUntil;
    if (Instant.now().isBefore(pause)) {
      breaker.releasePermission();
      return new Passage.Throttled(PROVIDER_RATE_LIMIT, jitter(pause));
    }
    if (limits != null) {
      try {
        Optional<String> full =
            limits.acquire(priority == null ? Priority.NORMAL : priority, permitWait);
        if (full.isPresent()) {
          breaker.releasePermission();
          return new Passage.Throttled(full.get(), roomExpected());
        }
      } catch (InterruptedException e) {
        // Stopping: the delivery goes back to wait, unsent.
        Thread.currentThread().interrupt();
        breaker.releasePermission();
        return new Passage.Throttled("shutdown", Instant.now());
      }
    }
    try {
      boolean wanted;
      try {
        wanted = stillWanted.getAsBoolean();
      } catch (RuntimeException e) {
        breaker.releasePermission();
        throw e;
      }
      if (!wanted) {
        breaker.releasePermission();
        return new Passage.Withdrawn();
      }
      long start = System.nanoTime();
      SendResult result;
      try {
        result = call.get();
      } catch (RuntimeException e) {
        lastError = e.getClass().getSimpleName();
        long took = System.nanoTime() - start;
        metrics.threw(e, took);
        breaker.onError(took, TimeUnit.NANOSECONDS, e);
        throw e;
      }
      metrics.answered(result, System.nanoTime() - start);
      if (result instanceof SendResult.Retry retry) {
        lastError = retry.code();
        pauseFor(retry.retryAfter());
        breaker.onError(
            System.nanoTime() - start, TimeUnit.NANOSECONDS, new ProviderFailure(retry.code()));
      } else {
        breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
      return new Passage.Called(result);
    } finally {
      if (limits != null) {
        limits.release();
      }
    }
  }

  private synchronized void pauseFor(Duration retryAfter) {
    if (retryAfter != null && retryAfter.isPositive()) {
      Instant until =
          Instant.now().plus(retryAfter.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : retryAfter);
      if (until.isAfter(pausedUntil)) {
        pausedUntil = until;
      }
    }
  }

  /**
   * When this process expects its provider to have room for one more throttled send: each throttled
   * send books the next free second-fraction of the rate, so a backlog comes back at the provider's
   * pace rather than all at once.
   */
  private synchronized Instant roomExpected() {
    long now = System.nanoTime();
    if (nanosPerPermit == 0) {
      // maxConcurrency only: no pace to book; come back after about one wait.
      return jitter(Instant.now().plus(permitWait));
    }
    reservedUntil = Math.max(reservedUntil, now) + nanosPerPermit;
    return Instant.now().plusNanos(reservedUntil - now);
  }

  /**
   * Up to a quarter later, so that deliveries parked together do not all come back at one instant.
   */
  private static Instant jitter(Instant at) {
    long span = Math.max(0, Duration.between(Instant.now(), at).toMillis() / 4);
    return at.plusMillis(ThreadLocalRandom.current().nextLong(span + 1));
  }

  /** What the breaker counts: a provider answer worth retrying. */
  private static final class ProviderFailure extends RuntimeException {
    ProviderFailure(String code) {
      super(code, null, false, false);
    }
  }
}
