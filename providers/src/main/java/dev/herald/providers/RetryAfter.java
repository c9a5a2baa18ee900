package dev.herald.providers;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** An HTTP {@code Retry-After} value: delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
public final class RetryAfter {
  private RetryAfter() {}

  /** The wait it asks for, or null when it is neither form. */
  public static Duration parse(String value) {
    if (value == null) {
      return null;
    }
    String text = value.trim();
    try {
      long seconds = Long.parseLong(text);
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException notSeconds) {
      try {
        Duration d =
            Duration.between(
                Instant.now(), ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME));
        return d.isNegative() ? Duration.ZERO : d;
      } catch (RuntimeException notADate) {
        return null;
      }
    }
  }
}
