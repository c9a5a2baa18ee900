package dev.herald.core;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Kubernetes writes them: {@code 500ms}, {@code 90s}, {@code 10m}, {@code 1h30m}. */
public final class Durations {
  /** The longest duration Herald takes anywhere: ten years. */
  public static final Duration MAX = Duration.ofDays(3650);
  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

  private Durations() {}

  /**
   * Parses a duration of at most {@link #MAX}. Anything else — not a duration, or too long, however
   * many digits it has — is an {@link IllegalArgumentException} whose message says which.
   */
  public static Duration parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    Matcher m = PART.matcher(text);
    long totalMillis = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        throw new IllegalArgumentException("not a duration: " + shown(text));
      }
      long unitMillis = switch (m.group(2)) {
        case "ms" -> 1;
        case "s" -> 1_000;
        case "m" -> 60_000;
        default -> 3_600_000;
      };
      // Digits beyond what MAX can hold make it too long before any arithmetic could overflow.
      String digits = m.group(1).replaceFirst("^0+(?=.)", "");
      if (digits.length() > 12) {
        throw tooLong(text);
      }
      totalMillis += Long.parseLong(digits) * unitMillis;
      if (totalMillis > MAX.toMillis()) {
        throw tooLong(text);
      }
      end = m.end();
    }
    if (end != text.length()) {
      throw new IllegalArgumentException("not a duration: " + shown(text));
    }
    return Duration.ofMillis(totalMillis);
  }

  private static IllegalArgumentException tooLong(String text) {
    return new IllegalArgumentException(shown(text) + " is longer than " + MAX.toDays() + " days");
  }

  private static String shown(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}
