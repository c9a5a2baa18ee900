package dev.herald.core;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Kubernetes writes them: {@code 500ms}, {@code 90s}, {@code 10m}, {@code 1h30m}. */
public final class Durations {
  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

  private Durations() {}

  /** Any length {@link Duration} holds; see {@link #parse(String, Duration)} for a bounded one. */
  public static Duration parse(String text) {
    return parse(text, null);
  }

  /**
   * Parses {@code text}; a duration longer than {@code max} (when not null), or too long to count
   * in milliseconds at all, is an {@link IllegalArgumentException} saying the limit — never an
   * overflow, which callers would not expect.
   */
  public static Duration parse(String text, Duration max) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    String tooLong = max == null ? "too long" : "must be at most " + format(max);
    Matcher m = PART.matcher(text);
    long totalMillis = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        throw new IllegalArgumentException("not a duration: " + text);
      }
      long unit =
          switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            default -> 3_600_000;
          };
      try {
        totalMillis =
            Math.addExact(totalMillis, Math.multiplyExact(Long.parseLong(m.group(1)), unit));
      } catch (ArithmeticException | NumberFormatException e) {
        throw new IllegalArgumentException(tooLong);
      }
      end = m.end();
    }
    if (end != text.length()) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    Duration total = Duration.ofMillis(totalMillis);
    if (max != null && total.compareTo(max) > 0) {
      throw new IllegalArgumentException(tooLong);
    }
    return total;
  }

  /** {@code 720h}, {@code 90s}, {@code 1500ms}: the largest whole unit that writes it exactly. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1_000 == 0 ? ms / 1_000 + "s" : ms + "ms";
  }
}
