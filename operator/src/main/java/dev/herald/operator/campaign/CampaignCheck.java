package dev.herald.operator.campaign;

import dev.herald.api.campaign.CampaignSpec;
import dev.herald.api.campaign.FrequencyCap;
import dev.herald.core.Durations;
import dev.herald.core.schedule.CronSchedule;
import dev.herald.core.schedule.QuietHours;
import dev.herald.core.schedule.ScheduleProblem;
import dev.herald.core.schedule.ScheduleState;
import dev.herald.core.schedule.Trigger;
import dev.herald.operator.validation.FieldError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a Campaign's schema cannot see: whether its schedule can fire, its zone exists, its times of
 * day and durations read. Each problem names its field, as the API server's would.
 */
final class CampaignCheck {
  static final String DELIVER_AT = "spec.deliverAt";
  static final String CAP_WINDOW = "spec.frequencyCap.window";
  static final Duration MAX_CAP_WINDOW = Durations.parse(FrequencyCap.MAX_WINDOW);

  private CampaignCheck() {}

  /** Every problem of {@code spec}, empty when it can work. */
  static List<FieldError> problems(CampaignSpec spec, Duration retention) {
    List<FieldError> problems = new ArrayList<>();
    Trigger trigger = null;
    try {
      trigger = Trigger.parse(spec.getSchedule(), spec.getTimeZone(), spec.getStartAt());
    } catch (ScheduleProblem p) {
      problems.add(error(p));
      if (p.field().equals("spec.timeZone") && spec.getSchedule() != null) {
        // the zone is checked first; the schedule may be wrong as well: say so at once
        try {
          CronSchedule.parse(spec.getSchedule());
        } catch (ScheduleProblem schedule) {
          problems.add(error(schedule));
        }
      }
    }
    if (trigger != null) {
      try {
        // The deadline's own checks (0 can never be met) live with the missed-run rules.
        new ScheduleState(
            trigger, Instant.EPOCH, null, spec.getStartingDeadlineSeconds(), false, null, false);
      } catch (ScheduleProblem p) {
        problems.add(error(p));
      }
    }
    if (spec.getDeliverAt() != null) {
      try {
        QuietHours.timeOfDay(DELIVER_AT, spec.getDeliverAt());
      } catch (ScheduleProblem p) {
        problems.add(error(p));
      }
    }
    if (spec.getQuietHours() != null) {
      try {
        QuietHours.parse(spec.getQuietHours().getStart(), spec.getQuietHours().getEnd());
      } catch (ScheduleProblem p) {
        problems.add(error(p));
      }
    }
    if (spec.getFrequencyCap() != null) {
      try {
        Duration window = Durations.parse(spec.getFrequencyCap().getWindow(), MAX_CAP_WINDOW);
        if (!window.isPositive()) {
          problems.add(new FieldError(CAP_WINDOW, "must be longer than 0"));
        } else if (window.compareTo(retention) > 0) {
          problems.add(
              new FieldError(
                  CAP_WINDOW,
                  "must be at most the retention of deliveries, "
                      + retention.toHours()
                      + "h (HERALD_RETENTION_DAYS), since sends are counted from them"));
        }
      } catch (IllegalArgumentException e) {
        problems.add(new FieldError(CAP_WINDOW, e.getMessage()));
      }
    }
    return problems;
  }

  private static FieldError error(ScheduleProblem p) {
    return new FieldError(p.field(), p.reason());
  }
}
