package dev.herald.core.schedule;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A daily window of local time in which nothing is delivered: from {@code start} (inclusive) to
 * {@code end} (exclusive). A window whose start is after its end spans midnight ({@code 21:00} to
 * {@code 08:00}).
 */
public record QuietHours(LocalTime start, LocalTime end) {
  public static final String FIELD = "spec.quietHours";
  private static final Pattern TIME = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");

  /**
   * @throws ScheduleProblem naming {@code spec.quietHours} when start equals end (an empty window,
   *     or a whole day without delivery: either way not what was meant)
   */
  public QuietHours {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (start.equals(end)) {
      throw new ScheduleProblem(
          FIELD, "start and end are both " + start + ": a window needs two different times");
    }
  }

  /**
   * {@code spec.quietHours.start} and {@code .end} as {@code HH:MM}.
   *
   * @throws ScheduleProblem naming the field at fault
   */
  public static QuietHours parse(String start, String end) {
    return new QuietHours(timeOfDay(FIELD + ".start", start), timeOfDay(FIELD + ".end", end));
  }

  /** Whether {@code t} lies inside the window. */
  public boolean contains(LocalTime t) {
    return spansMidnight()
        ? !t.isBefore(start) || t.isBefore(end)
        : !t.isBefore(start) && t.isBefore(end);
  }

  public boolean spansMidnight() {
    return start.isAfter(end);
  }

  /**
   * A time of day as {@code HH:MM}, 24-hour, {@code 00:00} to {@code 23:59}.
   *
   * @throws ScheduleProblem naming {@code field}
   */
  public static LocalTime timeOfDay(String field, String text) {
    if (text == null || !TIME.matcher(text).matches()) {
      throw new ScheduleProblem(
          field,
          "must be a time of day as HH:MM, 00:00 to 23:59, was "
              + (text == null ? "nothing" : ScheduleProblem.shown(text)));
    }
    return LocalTime.parse(text, DateTimeFormatter.ofPattern("HH:mm"));
  }

  @Override
  public String toString() {
    return start + "–" + end;
  }
}
