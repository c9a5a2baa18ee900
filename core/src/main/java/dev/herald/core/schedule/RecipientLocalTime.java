package dev.herald.core.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Objects;

/**
 * When one recipient's delivery of a campaign run is due, in the recipient's own zone.
 *
 * <p><b>Zone.</b> The recipient's zone ({@link TimeZones#recipient}); a recipient without one, or
 * with one that is not a zone, gets the campaign's {@code timeZone}: users' data never fails a run.
 *
 * <p><b>{@code deliverAt}.</b> A run belongs to a calendar date: the date of its scheduled instant
 * in the campaign's zone ("the Monday run"). Each recipient receives it at {@code deliverAt} in
 * their zone <em>on that date</em>, or, where that moment has already passed when the run starts,
 * on the first later date where it has not. So the run spans the zones: a run at Monday 07:00
 * Europe/Berlin with {@code deliverAt: "09:00"} reaches Berlin at 09:00 and New York at 09:00 EST,
 * both on Monday; in Asia/Tokyo Monday 09:00 is already past (it is 15:00 there), so Tokyo gets it
 * on Tuesday at 09:00 — never at 15:00, never in the middle of the night, and never on Sunday for a
 * recipient whose clock is still on Sunday (it waits for their Monday). A campaign that must reach
 * every zone on the same date runs at the start of that date in the earliest zone (e.g. {@code
 * timeZone: Pacific/Kiritimati}, {@code schedule: "0 0 * * 1"}). The result is at or after the
 * run's instant, and less than 25 hours after it plus however far the campaign's clock is ahead of
 * the recipient's (a recipient 9 hours behind may wait up to 34 hours for their date); quiet hours
 * add at most their length.
 *
 * <p><b>Daylight saving.</b> Unlike a cron time (which CronJob skips in a gap, see {@link
 * CronSchedule}), a delivery is never dropped: a {@code deliverAt} inside a spring-forward gap is
 * due at the first instant after the gap (02:30 on the night Berlin skips 02:00–03:00 is 03:00
 * CEST); inside a fall-back overlap, at its earlier occurrence (the later one when the run starts
 * between the two).
 *
 * <p><b>Quiet hours.</b> A due time inside the recipient's quiet hours ({@link QuietHours}, in the
 * recipient's zone) moves to the window's end that day (or the next, for a window spanning
 * midnight), at its first occurrence after the due time; a window's end in a gap moves to the end
 * of the gap. Never earlier, never dropped, never inside the window.
 */
public final class RecipientLocalTime {
  private final ZoneId campaignZone;
  private final LocalTime deliverAt;
  private final QuietHours quietHours;

  /**
   * @param campaignZone the campaign's {@code timeZone}
   * @param deliverAt the local time of delivery, or null to deliver when the run starts
   * @param quietHours the window in which nothing is delivered, or null
   */
  public RecipientLocalTime(ZoneId campaignZone, LocalTime deliverAt, QuietHours quietHours) {
    this.campaignZone = Objects.requireNonNull(campaignZone, "campaignZone");
    this.deliverAt = deliverAt;
    this.quietHours = quietHours;
  }

  /**
   * When a recipient's delivery is due, and in what zone it was computed.
   *
   * @param at the instant the delivery is due
   * @param zone the zone used: the recipient's, or the campaign's
   * @param recipientZoneUsed false when the campaign's zone stood in for a missing or unknown one
   * @param quietHoursDeferred whether quiet hours moved it
   */
  public record Due(
      Instant at, ZoneId zone, boolean recipientZoneUsed, boolean quietHoursDeferred) {}

  /**
   * The due time of the delivery of the run scheduled for {@code runAt} to a recipient whose zone
   * is {@code recipientZone} (null or unknown: the campaign's).
   */
  public Due due(Instant runAt, String recipientZone) {
    return due(runAt, runAt, recipientZone);
  }

  /**
   * As {@link #due(Instant, String)} for a run scheduled for {@code runAt} that started late, at
   * {@code startedAt}: the run keeps its date and each recipient's moment on it, and a moment that
   * passed while the run was late is due when it starts (then moved past quiet hours) — late, not a
   * day later.
   */
  public Due due(Instant runAt, Instant startedAt, String recipientZone) {
    ZoneId recipient = TimeZones.recipient(recipientZone).orElse(null);
    ZoneId zone = recipient != null ? recipient : campaignZone;
    Instant at = runAt;
    if (deliverAt != null) {
      LocalDate date = LocalDate.ofInstant(runAt, campaignZone);
      at = firstAtOrAfter(date.atTime(deliverAt), zone, runAt);
      while (at.isBefore(runAt)) {
        date = date.plusDays(1);
        at = firstAtOrAfter(date.atTime(deliverAt), zone, runAt);
      }
    }
    if (at.isBefore(startedAt)) {
      at = startedAt;
    }
    boolean deferred = false;
    if (quietHours != null) {
      // a window's end can land inside the window again only around a gap: three passes suffice
      for (int pass = 0; pass < 3; pass++) {
        LocalDateTime local = LocalDateTime.ofInstant(at, zone);
        if (!quietHours.contains(local.toLocalTime())) {
          break;
        }
        LocalDate endDate =
            quietHours.spansMidnight() && !local.toLocalTime().isBefore(quietHours.start())
                ? local.toLocalDate().plusDays(1)
                : local.toLocalDate();
        at = firstAtOrAfter(endDate.atTime(quietHours.end()), zone, at);
        deferred = true;
      }
    }
    return new Due(at, zone, recipient != null, deferred);
  }

  /**
   * The instant of {@code local} in {@code zone}: in a gap, the gap's end; in an overlap, the
   * earlier occurrence that is not before {@code notBefore}, else the earlier one.
   */
  static Instant firstAtOrAfter(LocalDateTime local, ZoneId zone, Instant notBefore) {
    ZoneRules rules = zone.getRules();
    List<ZoneOffset> offsets = rules.getValidOffsets(local);
    if (offsets.isEmpty()) {
      ZoneOffsetTransition gap = rules.getTransition(local);
      return gap.getInstant();
    }
    Instant earlier = local.toInstant(offsets.get(0));
    if (offsets.size() == 2 && earlier.isBefore(notBefore)) {
      Instant later = local.toInstant(offsets.get(1));
      if (!later.isBefore(notBefore)) {
        return later;
      }
    }
    return earlier;
  }
}
