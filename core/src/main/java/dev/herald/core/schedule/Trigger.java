package dev.herald.core.schedule;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Optional;

/** When a campaign runs: on a cron schedule in a zone, or once at {@code startAt}. */
public sealed interface Trigger {
  String START_AT = "spec.startAt";

  /** {@code spec.schedule} in {@code spec.timeZone}. */
  record Recurring(CronSchedule schedule, ZoneId zone) implements Trigger {
    @Override
    public Optional<Instant> next(Instant after) {
      return schedule.next(after, zone);
    }
  }

  /** {@code spec.startAt}: due once, at that instant. */
  record Once(Instant startAt) implements Trigger {
    @Override
    public Optional<Instant> next(Instant after) {
      return startAt.isAfter(after) ? Optional.of(startAt) : Optional.empty();
    }
  }

  /** The first time after {@code after} that this trigger is due, if any. */
  Optional<Instant> next(Instant after);

  /**
   * The trigger of a campaign's spec: exactly one of {@code schedule} (with {@code timeZone}) and
   * {@code startAt} (RFC 3339, e.g. {@code 2026-12-24T18:00:00+01:00}).
   *
   * @throws ScheduleProblem naming the field at fault
   */
  static Trigger parse(String schedule, String timeZone, String startAt) {
    ZoneId zone = TimeZones.campaign(timeZone);
    boolean hasSchedule = schedule != null && !schedule.isEmpty();
    boolean hasStart = startAt != null && !startAt.isEmpty();
    if (hasSchedule && hasStart) {
      throw new ScheduleProblem(START_AT, "give either spec.schedule or spec.startAt, not both");
    }
    if (!hasStart) {
      return new Recurring(CronSchedule.parse(schedule), zone);
    }
    try {
      return new Once(OffsetDateTime.parse(startAt).toInstant());
    } catch (DateTimeException e) {
      throw new ScheduleProblem(
          START_AT,
          "must be a date and time with its offset (RFC 3339), e.g. 2026-12-24T18:00:00+01:00,"
              + " was "
              + ScheduleProblem.shown(startAt));
    }
  }
}
