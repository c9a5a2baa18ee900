package dev.herald.core.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a campaign's reconciler does now, from {@link MissedRuns#decide}. Every decision but {@link
 * Suspended} says when to look again ({@code wakeAt}, empty when nothing is ever due again).
 */
public sealed interface ScheduleDecision {

  /** When to decide again; empty when the trigger has no further time (or while suspended). */
  Optional<Instant> wakeAt();

  /** {@code spec.suspend}: nothing starts (and no time is recorded) until it is lifted. */
  record Suspended() implements ScheduleDecision {
    @Override
    public Optional<Instant> wakeAt() {
      return Optional.empty();
    }
  }

  /** Nothing is due. */
  record NotDue(Optional<Instant> wakeAt) implements ScheduleDecision {}

  /**
   * Start the run scheduled for {@code scheduledFor}, {@code late} after it; record {@code
   * scheduledFor} as the last schedule time.
   *
   * @param skipped earlier scheduled times since the last run that will never run (CronJob starts
   *     only the most recent missed time)
   * @param tooManyMissed more than {@value MissedRuns#TOO_MANY} times were due inside the deadline
   *     window: CronJob's {@code TooManyMissedTimes} warning ({@link MissedRuns#TOO_MANY_MESSAGE});
   *     the run still starts
   */
  record Start(
      Instant scheduledFor,
      Duration late,
      Missed skipped,
      boolean tooManyMissed,
      Optional<Instant> wakeAt)
      implements ScheduleDecision {}

  /**
   * {@code Replace}: stop the active run, then start this one, as {@link Start}.
   *
   * @param skipped as in {@link Start}
   * @param tooManyMissed as in {@link Start}
   */
  record Replace(
      Instant scheduledFor,
      Duration late,
      Missed skipped,
      boolean tooManyMissed,
      Optional<Instant> wakeAt)
      implements ScheduleDecision {}

  /**
   * {@code Forbid} and a run is active: the run scheduled for {@code scheduledFor} waits. Decide
   * again when the active run ends (it then starts, if still within the deadline) or at {@code
   * wakeAt}. Nothing is recorded.
   */
  record WaitForActive(Instant scheduledFor, Optional<Instant> wakeAt)
      implements ScheduleDecision {}

  /**
   * Runs were missed by more than {@code startingDeadlineSeconds} and none is due within it: they
   * are skipped. Record {@code latestMissed} as the last schedule time so that the skip is reported
   * once; {@code reason} says what happened, for an Event or a condition.
   */
  record Skip(Missed missed, Instant latestMissed, String reason, Optional<Instant> wakeAt)
      implements ScheduleDecision {}

  /** How many scheduled times, counted up to {@value MissedRuns#TOO_MANY} and then "more". */
  record Missed(int count, boolean more) {
    public static final Missed NONE = new Missed(0, false);

    @Override
    public String toString() {
      return more ? "more than " + count : Integer.toString(count);
    }
  }
}
