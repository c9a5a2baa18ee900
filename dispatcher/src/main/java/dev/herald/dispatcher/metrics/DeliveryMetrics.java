package dev.herald.dispatcher.metrics;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.Priority;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.store.DeliveryReasons;
import dev.herald.core.store.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What became of the deliveries this dispatcher handled, counted once each outcome is stored:
 *
 * <ul>
 *   <li>{@code herald_deliveries_total{namespace, channel, provider, outcome}}: outcome {@code
 *       sent}, {@code failed} (refused, or unsendable), {@code expired}, {@code suppressed} (opted
 *       out or suppressed after acceptance), {@code cancelled} (withdrawn before its provider
 *       call), {@code dead_lettered} (attempts exhausted, or handling kept failing); provider
 *       {@code none} when no provider was called
 *   <li>{@code herald_delivery_latency_seconds{priority, channel}}: from acceptance (the delivery's
 *       creation) to the provider taking it
 *   <li>{@code herald_delivery_retries_total{namespace, channel, provider}}: attempts that failed
 *       in a way worth retrying, the delivery due again after a backoff
 *   <li>{@code herald_delivery_waits_total{namespace, channel, provider, reason}}: deliveries set
 *       back to wait in Postgres without an attempt ({@code throttled}, {@code circuit_open},
 *       {@code no_provider})
 * </ul>
 *
 * Each update is a lookup in a map of the meters already made and an add: nothing on the hot path
 * allocates tags or touches the registry once a combination has been seen.
 */
public final class DeliveryMetrics {
  static final String NONE = "none";

  private record CountKey(
      String name, String namespace, Channel channel, String provider, String what) {}

  private record LatencyKey(Priority priority, Channel channel) {}

  private final MeterRegistry registry;
  private final Map<CountKey, Counter> counters = new ConcurrentHashMap<>();
  private final Map<LatencyKey, Timer> latencies = new ConcurrentHashMap<>();

  public DeliveryMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Counts into a registry nobody reads: for tests of other things. */
  public static DeliveryMetrics discarded() {
    return new DeliveryMetrics(new SimpleMeterRegistry());
  }

  /**
   * The outcome of {@code d} has been stored ({@code null}: withdrawn, its row already says so).
   */
  public void recorded(DeliveryMessage d, Outcome outcome) {
    if (outcome == null) {
      delivery(d, NONE, "cancelled");
      return;
    }
    String provider = outcome.provider() == null ? NONE : outcome.provider();
    DeliveryState state = outcome.state();
    switch (state) {
      case SENT -> {
        delivery(d, provider, "sent");
        latency(d);
      }
      case SUPPRESSED -> delivery(d, provider, "suppressed");
      case FAILED -> delivery(d, provider, failure(outcome.failureReason()));
      case PENDING -> {
        if (outcome.attempted()) {
          count("herald.delivery.retries", d.tenant(), d.channel(), provider, null);
        } else {
          count("herald.delivery.waits", d.tenant(), d.channel(), provider, outcome.errorCode());
        }
      }
      default -> {}
    }
  }

  /** A message that could not be read, moved to the dead-letter stream. */
  public void undecodable(Channel channel) {
    if (channel != null) {
      count("herald.deliveries", "", channel, NONE, "dead_lettered");
    }
  }

  private static String failure(String reason) {
    if (DeliveryReasons.EXHAUSTED.equals(reason) || DeliveryReasons.INTERNAL_ERROR.equals(reason)) {
      return "dead_lettered";
    }
    return Outcome.Failure.EXPIRED.stored().equals(reason) ? "expired" : "failed";
  }

  private void delivery(DeliveryMessage d, String provider, String outcome) {
    count("herald.deliveries", d.tenant(), d.channel(), provider, outcome);
  }

  private void count(String name, String namespace, Channel channel, String provider, String what) {
    counters
        .computeIfAbsent(
            new CountKey(name, namespace, channel, provider, what),
            k -> {
              Counter.Builder b =
                  Counter.builder(name)
                      .tag("namespace", namespace == null ? "" : namespace)
                      .tag("channel", channel.wireName())
                      .tag("provider", provider);
              Counter.Builder described =
                  switch (name) {
                    case "herald.deliveries" ->
                        b.description("Deliveries by what became of them").tag("outcome", what);
                    case "herald.delivery.waits" ->
                        b.description("Deliveries set back to wait without an attempt")
                            .tag("reason", what == null ? "other" : what);
                    default -> b.description("Attempts worth retrying, due again after a backoff");
                  };
              return described.register(registry);
            })
        .increment();
  }

  private void latency(DeliveryMessage d) {
    if (d.createdAt() == null) {
      return;
    }
    Priority priority = d.priority() == null ? Priority.NORMAL : d.priority();
    Timer timer =
        latencies.computeIfAbsent(
            new LatencyKey(priority, d.channel()),
            k ->
                Timer.builder("herald.delivery.latency")
                    .description("From acceptance to the provider taking the delivery")
                    .tag("priority", priority.wireName())
                    .tag("channel", d.channel().wireName())
                    // Fixed buckets from a one-time password's second to a backlog's hour.
                    .serviceLevelObjectives(
                        Duration.ofMillis(100),
                        Duration.ofMillis(250),
                        Duration.ofMillis(500),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(30),
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(5),
                        Duration.ofMinutes(15),
                        Duration.ofHours(1))
                    .register(registry));
    timer.record(Duration.between(d.createdAt(), Instant.now()));
  }
}
