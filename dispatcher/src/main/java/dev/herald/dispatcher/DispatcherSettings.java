package dev.herald.dispatcher;

import dev.herald.api.Channel;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * How one dispatcher process works.
 *
 * @param channels the lanes it pulls
 * @param maxInFlight deliveries being handled at once per channel (claim → send → record)
 * @param fetchBatch most messages asked for in one pull
 * @param maxAttempts provider calls before a delivery fails as exhausted
 * @param baseBackoff first retry delay; doubled each attempt, with jitter, up to {@code maxBackoff}
 * @param sendTimeout a provider call taking longer is a transient failure; keep it well under the
 *     stream's AckWait
 * @param batchDelay longest wait to fill a Postgres batch (claims, outcomes)
 * @param circuitOpenFor how long a failing provider is skipped before it is probed again
 * @param permitWait longest a send waits for its provider's {@code rateLimit} permit or {@code
 *     maxConcurrency} slot; past it the delivery goes back to the stream for {@code baseBackoff},
 *     which is not counted as an attempt
 */
public record DispatcherSettings(
    Set<Channel> channels,
    int maxInFlight,
    int fetchBatch,
    int maxAttempts,
    Duration baseBackoff,
    Duration maxBackoff,
    Duration sendTimeout,
    Duration batchDelay,
    Duration circuitOpenFor,
    Duration permitWait) {

  public static DispatcherSettings defaults() {
    return new DispatcherSettings(EnumSet.allOf(Channel.class), 256, 128, 8, Duration.ofSeconds(2),
        Duration.ofMinutes(10), Duration.ofSeconds(15), Duration.ofMillis(5), Duration.ofSeconds(30),
        Duration.ofSeconds(10));
  }

  public DispatcherSettings withBackoff(Duration base, Duration max) {
    return new DispatcherSettings(channels, maxInFlight, fetchBatch, maxAttempts, base, max, sendTimeout, batchDelay, circuitOpenFor,
        permitWait);
  }

  public DispatcherSettings withMaxInFlight(int maxInFlight) {
    return new DispatcherSettings(channels, maxInFlight, Math.min(fetchBatch, maxInFlight), maxAttempts, baseBackoff,
        maxBackoff, sendTimeout, batchDelay, circuitOpenFor, permitWait);
  }

  public DispatcherSettings withSendTimeout(Duration timeout) {
    return new DispatcherSettings(channels, maxInFlight, fetchBatch, maxAttempts, baseBackoff, maxBackoff, timeout, batchDelay, circuitOpenFor,
        permitWait);
  }

  public DispatcherSettings withProviderLimits(int maxAttempts, Duration permitWait) {
    return new DispatcherSettings(channels, maxInFlight, fetchBatch, maxAttempts, baseBackoff, maxBackoff, sendTimeout,
        batchDelay, circuitOpenFor, permitWait);
  }

  /** Reads {@code HERALD_MAX_IN_FLIGHT}, {@code HERALD_MAX_ATTEMPTS}, {@code HERALD_SEND_TIMEOUT_SECONDS}. */
  public static DispatcherSettings fromEnv(Map<String, String> env) {
    DispatcherSettings d = defaults();
    return new DispatcherSettings(d.channels,
        Integer.parseInt(env.getOrDefault("HERALD_MAX_IN_FLIGHT", String.valueOf(d.maxInFlight))),
        d.fetchBatch,
        Integer.parseInt(env.getOrDefault("HERALD_MAX_ATTEMPTS", String.valueOf(d.maxAttempts))),
        d.baseBackoff, d.maxBackoff,
        Duration.ofSeconds(Long.parseLong(env.getOrDefault("HERALD_SEND_TIMEOUT_SECONDS", "15"))),
        d.batchDelay, d.circuitOpenFor, d.permitWait);
  }
}
