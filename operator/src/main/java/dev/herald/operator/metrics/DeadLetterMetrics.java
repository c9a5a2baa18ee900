package dev.herald.operator.metrics;

import dev.herald.core.store.DeadLetters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code herald_dead_letter_deliveries}: deliveries failed for good ({@code exhausted} or {@code
 * internal_error}) that {@code /v1/dead-letters} lists and a requeue takes back, sampled (counted
 * up to {@link RelayMetrics#BACKLOG_CAP}). Unlike the dead-letter stream's count, it falls when
 * they are requeued.
 */
public final class DeadLetterMetrics {
  private final AtomicLong total = new AtomicLong();

  public DeadLetterMetrics(MeterRegistry registry) {
    Gauge.builder("herald.dead.letter", total, AtomicLong::get)
        .description("Deliveries failed for good that a requeue can take back")
        .baseUnit("deliveries")
        .register(registry);
  }

  public Runnable sampler(DeadLetters deadLetters) {
    return () -> total.set(deadLetters.total(RelayMetrics.BACKLOG_CAP));
  }
}
