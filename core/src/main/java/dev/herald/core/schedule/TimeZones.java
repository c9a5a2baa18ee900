package dev.herald.core.schedule;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;

/**
 * Time zones as a CronJob's {@code spec.timeZone} takes them, and recipients' zones as users' data
 * holds them.
 *
 * <p>Kubernetes accepts a {@code timeZone} that Go's {@code time.LoadLocation} finds in the tz
 * database, and refuses an empty one and {@code Local} (kubernetes/kubernetes, {@code
 * pkg/apis/batch/validation/validation.go}, {@code validateTimeZone}). The same here: a name of the
 * tz database that java.time knows ({@code Europe/Berlin}, {@code UTC}, {@code Etc/GMT+5}); offsets
 * ({@code +02:00}, {@code UTC+2}) are not in the database and are refused, as Kubernetes does.
 */
public final class TimeZones {
  public static final String FIELD = "spec.timeZone";

  /** The campaign's zone when {@code timeZone} is omitted (see {@link #campaign}). */
  public static final ZoneId DEFAULT = ZoneOffset.UTC;

  private static final Set<String> NAMES = ZoneId.getAvailableZoneIds();

  private TimeZones() {}

  /**
   * The campaign's {@code spec.timeZone}. Omitted means UTC: Kubernetes falls back to the
   * controller manager's own zone, which a campaign should not depend on.
   *
   * @throws ScheduleProblem naming {@code spec.timeZone}
   */
  public static ZoneId campaign(String timeZone) {
    if (timeZone == null) {
      return DEFAULT;
    }
    if (timeZone.isEmpty()) {
      throw new ScheduleProblem(FIELD, "must be omitted or a time zone name, not empty");
    }
    if (timeZone.equalsIgnoreCase("Local")) {
      throw new ScheduleProblem(
          FIELD,
          "must be an explicit time zone as defined in https://www.iana.org/time-zones, not Local");
    }
    if (!NAMES.contains(timeZone)) {
      throw new ScheduleProblem(
          FIELD,
          "unknown time zone "
              + ScheduleProblem.shown(timeZone)
              + ": give a name of the IANA time zone database such as Europe/Berlin or UTC"
              + " (an offset such as +02:00 is not a time zone)");
    }
    return ZoneId.of(timeZone);
  }

  /**
   * A recipient's zone as stored with the user: a tz database name, or a fixed offset ({@code
   * +05:30}, {@code UTC+2}) since that still says a local time. Empty when missing or unknown, so
   * that the caller falls back to the campaign's zone: a user's bad data never fails a campaign.
   */
  public static Optional<ZoneId> recipient(String zone) {
    if (zone == null || zone.isBlank()) {
      return Optional.empty();
    }
    String z = zone.strip();
    if (NAMES.contains(z)) {
      return Optional.of(ZoneId.of(z));
    }
    if (z.equalsIgnoreCase("Local") || !z.matches("(UTC|GMT|UT)?[+-][0-9:]{1,8}|Z")) {
      return Optional.empty();
    }
    try {
      return Optional.of(ZoneId.of(z));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }
}
