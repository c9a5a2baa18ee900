package dev.herald.core.schedule;

import java.time.Instant;
import java.util.Objects;

/**
 * What {@link MissedRuns} decides from: a campaign's trigger and settings, and what its status
 * says.
 *
 * @param trigger the schedule in its zone, or the one-shot {@code startAt}
 * @param created the campaign's creation time (the start of time for a schedule that never ran)
 * @param lastScheduled the scheduled time of the last run started (or skipped), or null
 * @param startingDeadlineSeconds how late a run may still start, or null for any delay
 * @param suspend {@code spec.suspend}: start nothing
 * @param concurrencyPolicy {@code spec.concurrencyPolicy}; null is {@code Allow}
 * @param runActive whether a run of the campaign is still going
 */
public record ScheduleState(
    Trigger trigger,
    Instant created,
    Instant lastScheduled,
    Long startingDeadlineSeconds,
    boolean suspend,
    ConcurrencyPolicy concurrencyPolicy,
    boolean runActive) {
  public static final String DEADLINE = "spec.startingDeadlineSeconds";

  /**
   * @throws ScheduleProblem naming {@code spec.startingDeadlineSeconds} when it is negative (the
   *     API server refuses that) or 0 (accepted there, but no run can ever start on time to the
   *     second, so a CronJob with 0 never runs)
   */
  public ScheduleState {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(created, "created");
    if (concurrencyPolicy == null) {
      concurrencyPolicy = ConcurrencyPolicy.ALLOW;
    }
    if (startingDeadlineSeconds != null && startingDeadlineSeconds < 0) {
      throw new ScheduleProblem(DEADLINE, "must be 0 or more, was " + startingDeadlineSeconds);
    }
    if (startingDeadlineSeconds != null && startingDeadlineSeconds == 0) {
      throw new ScheduleProblem(
          DEADLINE,
          "0 leaves no time to start any run, so none would ever start: omit it to start late"
              + " runs after any delay, or give the seconds a run may start late");
    }
  }
}
