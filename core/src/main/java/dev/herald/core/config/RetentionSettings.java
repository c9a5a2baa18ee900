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
    String days = env.getOrDefault("HERALD_RETENTION_DAYS", String.valueOf(DEFAULT_DAYS)).strip();
    try {
      return new RetentionSettings(Integer.parseInt(days));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("HERALD_RETENTION_DAYS must be a whole number of days, was " + days);
    }
  }

  /** The retention period. */
  public Duration period() {
    return Duration.ofDays(days);
  }
}
