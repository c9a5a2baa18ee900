package dev.herald.core.metrics;

import dev.herald.core.config.EnvironmentVariables;
import java.time.Duration;
import java.util.Map;

/**
 * Where a component serves {@code /metrics} (and, for the dispatcher, {@code /healthz} and {@code
 * /readyz}): {@code HERALD_METRICS_PORT} (default 9090; 0 picks a free port), apart from the
 * operator's public API port so that scrapes never pass its authentication, rate limit or ingress.
 * {@code HERALD_METRICS_SAMPLE_SECONDS} (default 15, from 1 to 3600) is how often gauges that cost
 * a query (the relay's backlog in Postgres, JetStream's consumer and dead-letter counts) are
 * sampled: a scrape reads the last sample and never queries anything itself.
 */
public record MetricsSettings(int port, Duration sampleEvery) {
  public static final int DEFAULT_PORT = 9090;
  public static final Duration DEFAULT_SAMPLE_EVERY = Duration.ofSeconds(15);

  public MetricsSettings {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("the metrics port must be from 0 to 65535, was " + port);
    }
    if (sampleEvery.isNegative() || sampleEvery.isZero()) {
      throw new IllegalArgumentException("the sampling interval must be positive");
    }
  }

  public static MetricsSettings fromEnv(Map<String, String> env) {
    EnvironmentVariables vars = new EnvironmentVariables(env);
    return new MetricsSettings(
        vars.integer("HERALD_METRICS_PORT", DEFAULT_PORT, 0, 65_535),
        vars.seconds("HERALD_METRICS_SAMPLE_SECONDS", DEFAULT_SAMPLE_EVERY, 1, 3600));
  }

  /** A free port, gauges sampled every second: for tests and embedded use. */
  public static MetricsSettings ephemeral() {
    return new MetricsSettings(0, Duration.ofSeconds(1));
  }
}
