package dev.herald.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.core.schedule.ScheduleDecision.Missed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** CronJob's controller decisions: missed runs, the deadline, concurrency, suspend, one-shots. */
class MissedRunsTest {
  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final Trigger HOURLY = new Trigger.Recurring(CronSchedule.parse("0 * * * *"), UTC);
  private static final Instant CREATED = Instant.parse("2026-06-01T06:30:00Z");

  private static Instant at(String hhmm) {
    return Instant.parse("2026-06-01T" + hhmm + ":00Z");
  }

  private static ScheduleState state(
      Trigger trigger, Instant last, Long deadline, ConcurrencyPolicy policy, boolean active) {
    return new ScheduleState(trigger, CREATED, last, deadline, false, policy, active);
  }

  private static ScheduleDecision hourly(Instant last, Long deadline, String now) {
    return MissedRuns.decide(state(HOURLY, last, deadline, null, false), at(now));
  }

  @Test
  void beforeTheFirstTimeNothingIsDueAndItWakesThen() {
    assertThat(hourly(null, null, "06:45"))
        .isEqualTo(new ScheduleDecision.NotDue(Optional.of(at("07:00"))));
  }

  @Test
  void onTimeTheRunStarts() {
    assertThat(hourly(null, null, "07:00"))
        .isEqualTo(
            new ScheduleDecision.Start(
                at("07:00"), Duration.ZERO, Missed.NONE, false, Optional.of(at("08:00"))));
  }

  @Test
  void aRunAlreadyStartedIsNotStartedAgain() {
    assertThat(hourly(at("07:00"), null, "07:00"))
        .isEqualTo(new ScheduleDecision.NotDue(Optional.of(at("08:00"))));
  }

  @Test
  void withoutADeadlineOnlyTheMostRecentMissedRunStartsHoweverLate() {
    // the operator was down from 07:10 to 10:20: 08:00, 09:00 and 10:00 were missed
    assertThat(hourly(at("07:00"), null, "10:20"))
        .isEqualTo(
            new ScheduleDecision.Start(
                at("10:00"),
                Duration.ofMinutes(20),
                new Missed(2, false),
                false,
                Optional.of(at("11:00"))));
  }

  @Test
  void withinTheDeadlineTheMostRecentStartsLate() {
    assertThat(hourly(at("07:00"), 600L, "10:05"))
        .isEqualTo(
            new ScheduleDecision.Start(
                at("10:00"),
                Duration.ofMinutes(5),
                new Missed(2, false),
                false,
                Optional.of(at("11:00"))));
  }

  @Test
  void pastTheDeadlineTheMissedRunsAreSkippedWithTheirCountAndAReason() {
    ScheduleDecision d = hourly(at("07:00"), 600L, "10:20");
    assertThat(d).isInstanceOf(ScheduleDecision.Skip.class);
    ScheduleDecision.Skip skip = (ScheduleDecision.Skip) d;
    assertThat(skip.missed()).isEqualTo(new Missed(3, false));
    assertThat(skip.latestMissed()).isEqualTo(at("10:00"));
    assertThat(skip.wakeAt()).contains(at("11:00"));
    assertThat(skip.reason())
        .contains("3 scheduled runs")
        .contains("spec.startingDeadlineSeconds (600 s)")
        .contains("2026-06-01T10:00:00Z");
    // recorded as the last schedule time, the skip is reported once
    assertThat(hourly(at("10:00"), 600L, "10:20"))
        .isEqualTo(new ScheduleDecision.NotDue(Optional.of(at("11:00"))));
  }

  @Test
  void aRunExactlyTheDeadlineLateIsMissedAsCronJobsWindowExcludesIt() {
    assertThat(hourly(at("09:00"), 300L, "10:05")).isInstanceOf(ScheduleDecision.Skip.class);
    assertThat(hourly(at("09:00"), 300L, "10:04")).isInstanceOf(ScheduleDecision.Start.class);
  }

  @Test
  void moreThanAHundredMissedTimesIsCronJobsWarningAndTheRunStillStarts() {
    Trigger everyMinute = new Trigger.Recurring(CronSchedule.parse("* * * * *"), UTC);
    ScheduleDecision d =
        MissedRuns.decide(state(everyMinute, at("07:00"), null, null, false), at("10:20"));
    assertThat(d)
        .isEqualTo(
            new ScheduleDecision.Start(
                at("10:20"), Duration.ZERO, new Missed(100, true), true, Optional.of(at("10:21"))));
    // a deadline narrows the window CronJob counts in: no warning
    ScheduleDecision narrowed =
        MissedRuns.decide(state(everyMinute, at("07:00"), 600L, null, false), at("10:20"));
    assertThat(((ScheduleDecision.Start) narrowed).tooManyMissed()).isFalse();
    assertThat(((ScheduleDecision.Start) narrowed).scheduledFor()).isEqualTo(at("10:20"));
  }

  @Test
  void exactlyAHundredIsNotTooMany() {
    Trigger everyMinute = new Trigger.Recurring(CronSchedule.parse("* * * * *"), UTC);
    ScheduleDecision hundred =
        MissedRuns.decide(state(everyMinute, at("07:00"), null, null, false), at("08:40"));
    assertThat(((ScheduleDecision.Start) hundred).tooManyMissed()).isFalse();
    assertThat(((ScheduleDecision.Start) hundred).skipped()).isEqualTo(new Missed(99, false));
    ScheduleDecision more =
        MissedRuns.decide(state(everyMinute, at("07:00"), null, null, false), at("08:41"));
    assertThat(((ScheduleDecision.Start) more).tooManyMissed()).isTrue();
  }

  @Test
  void forbidWaitsForTheActiveRunThenStartsWithinTheDeadlineOrSkips() {
    ScheduleState active = state(HOURLY, at("07:00"), 600L, ConcurrencyPolicy.FORBID, true);
    assertThat(MissedRuns.decide(active, at("08:00")))
        .isEqualTo(new ScheduleDecision.WaitForActive(at("08:00"), Optional.of(at("09:00"))));
    ScheduleState ended = state(HOURLY, at("07:00"), 600L, ConcurrencyPolicy.FORBID, false);
    assertThat(MissedRuns.decide(ended, at("08:07"))).isInstanceOf(ScheduleDecision.Start.class);
    assertThat(MissedRuns.decide(ended, at("08:11"))).isInstanceOf(ScheduleDecision.Skip.class);
  }

  @Test
  void replaceStopsTheActiveRunAndAllowRunsBoth() {
    assertThat(
            MissedRuns.decide(
                state(HOURLY, at("07:00"), null, ConcurrencyPolicy.REPLACE, true), at("08:00")))
        .isEqualTo(
            new ScheduleDecision.Replace(
                at("08:00"), Duration.ZERO, Missed.NONE, false, Optional.of(at("09:00"))));
    assertThat(
            MissedRuns.decide(
                state(HOURLY, at("07:00"), null, ConcurrencyPolicy.ALLOW, true), at("08:00")))
        .isInstanceOf(ScheduleDecision.Start.class);
    assertThat(
            MissedRuns.decide(
                state(HOURLY, at("07:00"), null, ConcurrencyPolicy.REPLACE, false), at("08:00")))
        .isInstanceOf(ScheduleDecision.Start.class);
  }

  @Test
  void suspendedStartsNothing() {
    ScheduleState s = new ScheduleState(HOURLY, CREATED, null, null, true, null, false);
    assertThat(MissedRuns.decide(s, at("10:00"))).isEqualTo(new ScheduleDecision.Suspended());
  }

  @Test
  void theClockIsInjected() {
    Clock clock = Clock.fixed(at("07:00"), UTC);
    assertThat(MissedRuns.decide(state(HOURLY, null, null, null, false), clock))
        .isInstanceOf(ScheduleDecision.Start.class);
  }

  @Test
  void atEveryRunsAnIntervalAfterTheLastRun() {
    Trigger every = new Trigger.Recurring(CronSchedule.parse("@every 90m"), UTC);
    assertThat(MissedRuns.decide(state(every, null, null, null, false), at("07:30")))
        .isEqualTo(new ScheduleDecision.NotDue(Optional.of(at("08:00"))));
    // down for many intervals: the most recent time, found without walking them all
    Trigger everySecond = new Trigger.Recurring(CronSchedule.parse("@every 1s"), UTC);
    ScheduleDecision d =
        MissedRuns.decide(
            state(everySecond, at("07:00"), null, null, false), at("10:00").plusMillis(300));
    assertThat(((ScheduleDecision.Start) d).scheduledFor()).isEqualTo(at("10:00"));
    assertThat(((ScheduleDecision.Start) d).tooManyMissed()).isTrue();
  }

  @Test
  void aOneShotIsDueOnceAtItsInstantUnderTheSameDeadline() {
    Trigger once = new Trigger.Once(at("09:00"));
    assertThat(MissedRuns.decide(state(once, null, null, null, false), at("08:00")))
        .isEqualTo(new ScheduleDecision.NotDue(Optional.of(at("09:00"))));
    assertThat(MissedRuns.decide(state(once, null, 600L, null, false), at("09:05")))
        .isEqualTo(
            new ScheduleDecision.Start(
                at("09:00"), Duration.ofMinutes(5), Missed.NONE, false, Optional.empty()));
    ScheduleDecision late = MissedRuns.decide(state(once, null, 600L, null, false), at("09:30"));
    assertThat(late).isInstanceOf(ScheduleDecision.Skip.class);
    assertThat(((ScheduleDecision.Skip) late).reason())
        .contains("the run scheduled for 2026-06-01T09:00:00Z was missed");
    assertThat(MissedRuns.decide(state(once, null, null, null, false), at("23:30")))
        .isInstanceOf(ScheduleDecision.Start.class);
    assertThat(MissedRuns.decide(state(once, at("09:00"), null, null, false), at("09:30")))
        .isEqualTo(new ScheduleDecision.NotDue(Optional.empty()));
  }

  @Test
  void badSettingsAreProblemsNamingTheField() {
    assertThatThrownBy(() -> state(HOURLY, null, -1L, null, false))
        .isInstanceOfSatisfying(
            ScheduleProblem.class,
            p -> assertThat(p.field()).isEqualTo("spec.startingDeadlineSeconds"));
    assertThatThrownBy(() -> state(HOURLY, null, 0L, null, false))
        .hasMessageStartingWith("spec.startingDeadlineSeconds: ");
    assertThatThrownBy(() -> ConcurrencyPolicy.parse("forbid"))
        .hasMessageStartingWith("spec.concurrencyPolicy: ");
    assertThat(ConcurrencyPolicy.parse(null)).isEqualTo(ConcurrencyPolicy.ALLOW);
    assertThat(ConcurrencyPolicy.parse("Replace")).isEqualTo(ConcurrencyPolicy.REPLACE);
    assertThatThrownBy(() -> Trigger.parse("0 9 * * *", null, "2026-06-01T09:00:00Z"))
        .hasMessageStartingWith("spec.startAt: ");
    assertThatThrownBy(() -> Trigger.parse(null, null, "tomorrow"))
        .hasMessageStartingWith("spec.startAt: ");
    assertThatThrownBy(() -> Trigger.parse(null, null, null))
        .hasMessageStartingWith("spec.schedule: ");
    assertThatThrownBy(() -> Trigger.parse("0 9 * * *", "Europe/Pariss", null))
        .hasMessageStartingWith("spec.timeZone: ");
    assertThat(Trigger.parse(null, null, "2026-06-01T11:00:00+02:00"))
        .isEqualTo(new Trigger.Once(at("09:00")));
  }
}
