package dev.herald.core.config;

import java.time.Duration;
import java.util.Map;

/**
 * Herald's settings as environment variables: each read names the variable and the range it takes
 * in its error, so that a bad value stops a process with a message that says what to fix.
 */
public final class EnvironmentVariables {
  private final Map<String, String> env;

  public EnvironmentVariables(Map<String, String> env) {
    this.env = env;
  }

  /** The value, or {@code fallback} when unset or blank. */
  public String text(String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v.strip();
  }

  /** One of {@code choices}, or {@code fallback} when unset or blank. */
  public String choice(String name, String fallback, java.util.List<String> choices) {
    String v = text(name, fallback);
    if (!choices.contains(v)) {
      throw new IllegalArgumentException(
          name + " must be one of " + String.join(", ", choices) + ", was \"" + shown(v) + "\"");
    }
    return v;
  }

  /** A whole number from {@code min} to {@code max}, or {@code fallback} when unset or blank. */
  public long number(String name, long fallback, long min, long max) {
    return number(name, fallback, min, max, "");
  }

  private long number(String name, long fallback, long min, long max, String unit) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    long n;
    try {
      n = Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name
              + " must be a whole number from "
              + min
              + " to "
              + max
              + unit
              + ", was \""
              + shown(v)
              + "\"");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(
          name + " must be from " + min + " to " + max + unit + ", was " + n);
    }
    return n;
  }

  public int integer(String name, int fallback, int min, int max) {
    return (int) number(name, fallback, min, max);
  }

  public Duration seconds(String name, Duration fallback, long min, long max) {
    return Duration.ofSeconds(number(name, fallback.toSeconds(), min, max, " seconds"));
  }

  public Duration millis(String name, Duration fallback, long min, long max) {
    return Duration.ofMillis(number(name, fallback.toMillis(), min, max, " ms"));
  }

  /**
   * Enough of a bad value to recognise it; settings hold no secrets, but need not be echoed whole.
   */
  private static String shown(String v) {
    String s = v.strip().replaceAll("\\p{Cntrl}", "?");
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
