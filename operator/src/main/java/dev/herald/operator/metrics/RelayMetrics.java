package dev.herald.operator.metrics;

import dev.herald.core.store.DeliveryStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outbox relay: {@code herald_relay_published_total} and {@code
 * herald_relay_publish_failures_total} counted by the relay as it goes, and, sampled, {@code
 * herald_relay_backlog_deliveries} (pending and due, counted up to {@link #BACKLOG_CAP}) and {@code
 * herald_relay_oldest_due_seconds} (how long the delivery due longest has waited to be published).
 */
public final class RelayMetrics {
  /** The backlog is counted up to here: enough to see a stall, bounded when a campaign is due. */
  public static final int BACKLOG_CAP = 1_000_000;

  private final Counter published;
  private final Counter failed;
  private final AtomicLong backlog = new AtomicLong();
  private final AtomicLong oldestDueMillis = new AtomicLong();

  public RelayMetrics(MeterRegistry registry) {
    this.published =
        Counter.builder("herald.relay.published")
            .description("Deliveries the relay published and the stream acknowledged")
            .register(registry);
    this.failed =
        Counter.builder("herald.relay.publish.failures")
            .description("Publishes the stream did not acknowledge (the delivery is due again)")
            .register(registry);
    Gauge.builder("herald.relay.backlog", backlog, AtomicLong::get)
        .description("Deliveries pending and due that the relay has not published yet")
        .baseUnit("deliveries")
        .register(registry);
    Gauge.builder("herald.relay.oldest.due", oldestDueMillis, v -> v.get() / 1000.0)
        .description("How long the delivery due longest has waited for the relay")
        .baseUnit("seconds")
        .register(registry);
  }

  public void published(int n) {
    published.increment(n);
  }

  public void failed(int n) {
    failed.increment(n);
  }

  /** A sample of the backlog (on the metrics sampler's thread). */
  public Runnable sampler(DeliveryStore store) {
    return () -> {
      DeliveryStore.Backlog b = store.backlog(BACKLOG_CAP);
      backlog.set(b.due());
      oldestDueMillis.set(b.oldestDue().toMillis());
    };
  }
}
