package dev.herald.core.config;

import java.time.Duration;
import java.util.Map;

/**
 * How long Herald keeps a notification and its deliveries: {@code HERALD_RETENTION_DAYS} (default
 * 30) whole days after it was accepted. Nothing unfinished is pruned, and nothing that would stay
 * unfinished longer (a {@code sendAt} or an expiry further ahead) is accepted.
 */
public record RetentionSettings(int days) {
  public static final int DEFAULT_DAYS = 30;

  public RetentionSettings {
    if (days < 1) {
      throw new IllegalArgumentException("HERALD_RETENTION_DAYS must be at least 1, was " + days);
    }
  }

  public static RetentionSettings defaults() {
    return new RetentionSettings(DEFAULT_DAYS);
  }

  public static RetentionSettings fromEnv(Map<String, String> env) {
    return new RetentionSettings(
        new EnvironmentVariables(env).integer("HERALD_RETENTION_DAYS", DEFAULT_DAYS, 1, 36_500));
  }

  /** The retention period. */
  public Duration period() {
    return Duration.ofDays(days);
  }
}
