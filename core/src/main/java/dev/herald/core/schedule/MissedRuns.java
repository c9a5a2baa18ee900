package dev.herald.core.schedule;

import dev.herald.core.schedule.ScheduleDecision.Missed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a campaign's run is due, as the Kubernetes CronJob controller (v2, the default since
 * 1.21) decides it in {@code syncCronJob} and {@code mostRecentScheduleTime} (kubernetes/kubernetes
 * {@code pkg/controller/cronjob/cronjob_controllerv2.go}, {@code utils.go}):
 *
 * <ol>
 *   <li>{@code suspend}: nothing.
 *   <li>The unmet times are the schedule's times after the last schedule time (or the creation
 *       time, if it never ran) and at or before now. With {@code startingDeadlineSeconds}, only
 *       those after {@code now - startingDeadlineSeconds} count.
 *   <li>None: nothing is due; wake at the next time.
 *   <li>Otherwise only the <em>most recent</em> unmet time runs, however late (within the deadline,
 *       if one is set); older ones are never run. More than {@value #TOO_MANY} unmet times is
 *       CronJob's {@code TooManyMissedTimes} warning, and the run still starts (the older v1
 *       controller, and the CronJob page that still describes it, refused to start).
 *   <li>{@code Forbid} with a run active: wait (no time is recorded, so the same time starts when
 *       the active run ends, if still within the deadline). {@code Replace}: stop the active run
 *       and start. {@code Allow}: start.
 * </ol>
 *
 * Herald adds one thing CronJob leaves as a TODO: times missed by more than the deadline, with none
 * due inside it, come back as a {@link ScheduleDecision.Skip} with their count and a reason, rather
 * than silence. Counts are exact (CronJob estimates them from the gap between two fire times) up to
 * the bound.
 *
 * <p>A one-shot {@code startAt} is due once at that instant (even one before the campaign was
 * created: it is the one time asked for), under the same deadline and concurrency rules; it is done
 * once the last schedule time is at or after it.
 */
public final class MissedRuns {
  /** CronJob's bound on missed start times ({@code numberOfMissedSchedules > 100}). */
  public static final int TOO_MANY = 100;

  /** CronJob's words for it, with Herald's field names. */
  public static final String TOO_MANY_MESSAGE =
      "too many missed start times (more than "
          + TOO_MANY
          + "): set or decrease spec.startingDeadlineSeconds or check clock skew";

  private MissedRuns() {}

  /** {@link #decide(ScheduleState, Instant)} at the clock's instant. */
  public static ScheduleDecision decide(ScheduleState state, Clock clock) {
    return decide(state, clock.instant());
  }

  public static ScheduleDecision decide(ScheduleState state, Instant now) {
    if (state.suspend()) {
      return new ScheduleDecision.Suspended();
    }
    return switch (state.trigger()) {
      case Trigger.Once once -> once(state, once.startAt(), now);
      case Trigger.Recurring recurring -> recurring(state, recurring, now);
    };
  }

  private static ScheduleDecision once(ScheduleState state, Instant startAt, Instant now) {
    if (state.lastScheduled() != null && !state.lastScheduled().isBefore(startAt)) {
      return new ScheduleDecision.NotDue(Optional.empty());
    }
    if (now.isBefore(startAt)) {
      return new ScheduleDecision.NotDue(Optional.of(startAt));
    }
    Long deadline = state.startingDeadlineSeconds();
    if (deadline != null && !startAt.isAfter(now.minusSeconds(deadline))) {
      return new ScheduleDecision.Skip(
          new Missed(1, false),
          startAt,
          skipReason(new Missed(1, false), startAt, deadline),
          Optional.empty());
    }
    return run(state, startAt, now, Missed.NONE, false, Optional.empty());
  }

  private static ScheduleDecision recurring(
      ScheduleState state, Trigger.Recurring trigger, Instant now) {
    Instant earliest = state.lastScheduled() != null ? state.lastScheduled() : state.created();
    Instant windowStart = earliest;
    Long deadline = state.startingDeadlineSeconds();
    if (deadline != null && now.minusSeconds(deadline).isAfter(earliest)) {
      windowStart = now.minusSeconds(deadline);
    }
    Span due = fires(trigger, windowStart, now);
    // CronJob's nextScheduleTimeDuration: the time after the most recent one due, deadline or not
    Span all = windowStart.equals(earliest) ? due : fires(trigger, earliest, now);
    Optional<Instant> wake = trigger.next(all.count() > 0 ? all.latest() : earliest);
    if (due.count() == 0) {
      if (windowStart.isAfter(earliest)) {
        Span missed = fires(trigger, earliest, windowStart);
        if (missed.count() > 0) {
          Missed m = missed.missed();
          return new ScheduleDecision.Skip(
              m, missed.latest(), skipReason(m, missed.latest(), deadline), wake);
        }
      }
      return new ScheduleDecision.NotDue(wake);
    }
    Instant scheduledFor = due.latest();
    Missed skipped = fires(trigger, earliest, scheduledFor.minusNanos(1)).missed();
    return run(state, scheduledFor, now, skipped, due.count() > TOO_MANY, wake);
  }

  private static ScheduleDecision run(
      ScheduleState state,
      Instant scheduledFor,
      Instant now,
      Missed skipped,
      boolean tooMany,
      Optional<Instant> wake) {
    Duration late = Duration.between(scheduledFor, now);
    if (state.runActive()) {
      switch (state.concurrencyPolicy()) {
        case FORBID -> {
          return new ScheduleDecision.WaitForActive(scheduledFor, wake);
        }
        case REPLACE -> {
          return new ScheduleDecision.Replace(scheduledFor, late, skipped, tooMany, wake);
        }
        case ALLOW -> {}
      }
    }
    return new ScheduleDecision.Start(scheduledFor, late, skipped, tooMany, wake);
  }

  private static String skipReason(Missed missed, Instant latest, long deadline) {
    return (missed.count() == 1 && !missed.more()
            ? "the run scheduled for " + latest + " was"
            : missed + " scheduled runs, the last for " + latest + ", were")
        + " missed by more than spec.startingDeadlineSeconds ("
        + deadline
        + " s) and are skipped";
  }

  /**
   * The trigger's times in {@code (after, until]}: how many (up to {@value #TOO_MANY} and then
   * "more"), and the latest.
   */
  private record Span(int count, Instant latest) {
    Missed missed() {
      return count > TOO_MANY ? new Missed(TOO_MANY, true) : new Missed(count, false);
    }
  }

  private static Span fires(Trigger trigger, Instant after, Instant until) {
    int count = 0;
    Instant latest = null;
    Instant cursor = after;
    while (count <= TOO_MANY) {
      Optional<Instant> next = trigger.next(cursor);
      if (next.isEmpty() || next.get().isAfter(until)) {
        return new Span(count, latest);
      }
      count++;
      latest = next.get();
      cursor = latest;
    }
    return new Span(count, latestAtOrBefore(trigger, after, until));
  }

  /** The latest time in {@code (after, until]}, known to exist (more than the bound are there). */
  private static Instant latestAtOrBefore(Trigger trigger, Instant after, Instant until) {
    if (trigger instanceof Trigger.Recurring r) {
      Optional<Duration> every = r.schedule().interval();
      if (every.isPresent()) {
        Instant first = after.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        long step = every.get().toSeconds();
        long k = (until.getEpochSecond() - first.getEpochSecond()) / step;
        return first.plusSeconds(k * step);
      }
      return r.schedule().previous(until, r.zone()).orElseThrow();
    }
    return ((Trigger.Once) trigger).startAt();
  }
}
