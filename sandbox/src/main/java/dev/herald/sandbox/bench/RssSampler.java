package dev.herald.sandbox.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Samples each role's resident memory every half second while a load runs, keeping the largest. */
final class RssSampler {
  private final ProcessMeter meter;
  private final Map<String, Double> max = new ConcurrentHashMap<>();
  private ScheduledExecutorService timer;

  RssSampler(ProcessMeter meter) {
    this.meter = meter;
  }

  void start() {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("bench-rss").factory());
    timer.scheduleAtFixedRate(this::sample, 0, 500, TimeUnit.MILLISECONDS);
  }

  private void sample() {
    meter.largestRssMb().forEach((role, mb) -> max.merge(role, mb, Math::max));
  }

  /** Stops sampling; each role's largest resident memory since {@link #start}, in MB. */
  Map<String, Double> stop() throws InterruptedException {
    timer.shutdownNow();
    timer.awaitTermination(5, TimeUnit.SECONDS);
    sample();
    return new LinkedHashMap<>(max);
  }
}
