package dev.herald.dispatcher;

import dev.herald.api.Channel;
import dev.herald.core.config.EnvironmentVariables;
import dev.herald.core.config.WatchedNamespaces;
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
 * @param sendTimeout a provider call taking longer is a transient failure
 * @param batchDelay longest wait to fill a Postgres batch (claims, outcomes)
 * @param circuitOpenFor how long a failing provider is skipped the first time its circuit opens
 *     before it is probed again; doubled each time it opens again, up to two minutes
 * @param permitWait longest a send waits in hand for its provider's {@code rateLimit} permit or
 *     {@code maxConcurrency} slot; past it (or at once, when the sends waiting ahead use up the
 *     permits due within it) the delivery waits in Postgres for the time this process expects room,
 *     which is not counted as an attempt
 * @param storeTimeout longest a delivery in hand waits for Postgres (its claim, its outcome) before
 *     it is left to JetStream's redelivery; the message's ack deadline is extended meanwhile
 * @param watched the namespaces whose providers it sends through ({@code HERALD_WATCH_NAMESPACES})
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
    Duration permitWait,
    Duration storeTimeout,
    WatchedNamespaces watched) {

  public static DispatcherSettings defaults() {
    return new DispatcherSettings(
        EnumSet.allOf(Channel.class),
        256,
        128,
        8,
        Duration.ofSeconds(2),
        Duration.ofMinutes(10),
        Duration.ofSeconds(15),
        Duration.ofMillis(5),
        Duration.ofSeconds(5),
        Duration.ofSeconds(1),
        Duration.ofMinutes(2),
        WatchedNamespaces.ALL);
  }

  public DispatcherSettings withBackoff(Duration base, Duration max) {
    return new DispatcherSettings(
        channels,
        maxInFlight,
        fetchBatch,
        maxAttempts,
        base,
        max,
        sendTimeout,
        batchDelay,
        circuitOpenFor,
        permitWait,
        storeTimeout,
        watched);
  }

  public DispatcherSettings withMaxInFlight(int maxInFlight) {
    return new DispatcherSettings(
        channels,
        maxInFlight,
        Math.min(fetchBatch, maxInFlight),
        maxAttempts,
        baseBackoff,
        maxBackoff,
        sendTimeout,
        batchDelay,
        circuitOpenFor,
        permitWait,
        storeTimeout,
        watched);
  }

  public DispatcherSettings withSendTimeout(Duration timeout) {
    return new DispatcherSettings(
        channels,
        maxInFlight,
        fetchBatch,
        maxAttempts,
        baseBackoff,
        maxBackoff,
        timeout,
        batchDelay,
        circuitOpenFor,
        permitWait,
        storeTimeout,
        watched);
  }

  public DispatcherSettings withProviderLimits(int maxAttempts, Duration permitWait) {
    return new DispatcherSettings(
        channels,
        maxInFlight,
        fetchBatch,
        maxAttempts,
        baseBackoff,
        maxBackoff,
        sendTimeout,
        batchDelay,
        circuitOpenFor,
        permitWait,
        storeTimeout,
        watched);
  }

  public DispatcherSettings withCircuitOpenFor(Duration openFor) {
    return new DispatcherSettings(
        channels,
        maxInFlight,
        fetchBatch,
        maxAttempts,
        baseBackoff,
        maxBackoff,
        sendTimeout,
        batchDelay,
        openFor,
        permitWait,
        storeTimeout,
        watched);
  }

  public DispatcherSettings withWatched(WatchedNamespaces watched) {
    return new DispatcherSettings(
        channels,
        maxInFlight,
        fetchBatch,
        maxAttempts,
        baseBackoff,
        maxBackoff,
        sendTimeout,
        batchDelay,
        circuitOpenFor,
        permitWait,
        storeTimeout,
        watched);
  }

  /**
   * Reads {@code HERALD_MAX_IN_FLIGHT}, {@code HERALD_MAX_ATTEMPTS}, {@code
   * HERALD_SEND_TIMEOUT_SECONDS}, {@code HERALD_CIRCUIT_OPEN_SECONDS}, {@code
   * HERALD_PERMIT_WAIT_MS}, {@code HERALD_STORE_TIMEOUT_SECONDS}, {@code HERALD_WATCH_NAMESPACES}.
   */
  public static DispatcherSettings fromEnv(Map<String, String> env) {
    DispatcherSettings d = defaults();
    EnvironmentVariables vars = new EnvironmentVariables(env);
    return new DispatcherSettings(
        d.channels,
        vars.integer("HERALD_MAX_IN_FLIGHT", d.maxInFlight, 4, 100_000),
        d.fetchBatch,
        vars.integer("HERALD_MAX_ATTEMPTS", d.maxAttempts, 1, 1000),
        d.baseBackoff,
        d.maxBackoff,
        vars.seconds("HERALD_SEND_TIMEOUT_SECONDS", Duration.ofSeconds(15), 1, 600),
        d.batchDelay,
        vars.seconds("HERALD_CIRCUIT_OPEN_SECONDS", d.circuitOpenFor, 1, 3600),
        vars.millis("HERALD_PERMIT_WAIT_MS", d.permitWait, 0, 60_000),
        vars.seconds("HERALD_STORE_TIMEOUT_SECONDS", d.storeTimeout, 1, 86_400),
        WatchedNamespaces.fromEnv(env));
  }
}
