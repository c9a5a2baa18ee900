package dev.herald.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the samples of gauges that cost a query, each on a schedule of its own on one thread, so a
 * scrape only reads values and a slow query delays nothing else the component does. A failed sample
 * keeps the last values and counts in {@code herald_metrics_sample_failures_total{gauge}}.
 */
public final class Sampler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sampler.class);

  private final ScheduledExecutorService executor;
  private final MeterRegistry registry;
  private final Duration every;

  public Sampler(MeterRegistry registry, Duration every, String threadName) {
    this.registry = registry;
    this.every = every;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name(threadName).daemon(true).factory());
  }

  /** Runs {@code sample} now and then every interval. */
  public void add(String gauge, Runnable sample) {
    Counter failures =
        Counter.builder("herald.metrics.sample.failures")
            .description("Samples of a gauge that failed (its last values stay)")
            .tag("gauge", gauge)
            .register(registry);
    executor.scheduleWithFixedDelay(
        () -> {
          try {
            sample.run();
          } catch (RuntimeException e) {
            failures.increment();
            LOG.debug("sampling {} failed: {}", gauge, e.toString());
          }
        },
        0,
        every.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
