package dev.herald.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated schedules, instants near daylight-saving transitions, zones and quiet hours: fire
 * times, decisions and due times keep their promises.
 */
class SchedulePropertiesTest {
  private static final List<String> ZONES =
      List.of(
          "Europe/Berlin",
          "America/New_York",
          "Australia/Lord_Howe",
          "Asia/Kolkata",
          "America/Sao_Paulo",
          "Pacific/Chatham",
          "America/Santiago",
          "Asia/Tokyo",
          "UTC");

  private static Arbitrary<String> field(int min, int max) {
    Arbitrary<Integer> v = Arbitraries.integers().between(min, max);
    Arbitrary<Integer> step = Arbitraries.integers().between(2, Math.min(30, max - min + 1));
    return Arbitraries.oneOf(
        Arbitraries.just("*"),
        v.map(String::valueOf),
        Combinators.combine(v, v).as((a, b) -> Math.min(a, b) + "-" + Math.max(a, b)),
        Combinators.combine(v, v).as((a, b) -> a + "," + b),
        step.map(s -> "*/" + s),
        Combinators.combine(v, step).as((a, s) -> a + "/" + s));
  }

  @Provide
  Arbitrary<String> schedules() {
    Arbitrary<String> cron =
        Combinators.combine(
                field(0, 59),
                field(0, 23),
                Arbitraries.oneOf(Arbitraries.just("*"), field(1, 28)),
                Arbitraries.oneOf(Arbitraries.just("*"), Arbitraries.just("?"), field(1, 12)),
                Arbitraries.oneOf(
                    Arbitraries.just("*"), Arbitraries.of("mon-fri", "sun", "6", "1,3,5")))
            .as((m, h, dom, mon, dow) -> String.join(" ", m, h, dom, mon, dow));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, cron),
        net.jqwik.api.Tuple.of(
            1, Arbitraries.of("@hourly", "@daily", "@weekly", "@monthly", "@yearly")));
  }

  @Provide
  Arbitrary<ZoneId> zones() {
    return Arbitraries.of(ZONES).map(ZoneId::of);
  }

  /** Instants from 2020 to 2035, half of them within two days of one of the zone's transitions. */
  private static Arbitrary<Instant> near(ZoneId zone) {
    Arbitrary<Instant> any =
        Arbitraries.longs()
            .between(
                Instant.parse("2020-01-01T00:00:00Z").getEpochSecond(),
                Instant.parse("2035-01-01T00:00:00Z").getEpochSecond())
            .map(Instant::ofEpochSecond);
    List<ZoneOffsetTransition> transitions = zone.getRules().getTransitions();
    List<Instant> recent =
        transitions.stream()
            .map(ZoneOffsetTransition::getInstant)
            .filter(i -> i.isAfter(Instant.parse("2019-01-01T00:00:00Z")))
            .toList();
    if (recent.isEmpty()) {
      return any;
    }
    Arbitrary<Instant> close =
        Combinators.combine(
                Arbitraries.of(recent), Arbitraries.longs().between(-2 * 86_400, 2 * 86_400))
            .as(Instant::plusSeconds);
    return Arbitraries.oneOf(any, close);
  }

  @Provide
  Arbitrary<Case> cases() {
    return Combinators.combine(schedules(), zones())
        .flatAs((s, z) -> near(z).map(t -> new Case(CronSchedule.parse(s), z, t)));
  }

  record Case(CronSchedule schedule, ZoneId zone, Instant t) {}

  @Property(tries = 300)
  void nextIsAfterMatchesAndNothingMatchesBetween(@ForAll("cases") Case c) {
    Optional<Instant> next = c.schedule().next(c.t(), c.zone());
    assertThat(next).isPresent();
    Instant n = next.get();
    assertThat(n).isAfter(c.t());
    assertThat(c.schedule().matches(n, c.zone())).isTrue();
    assertThat(c.schedule().previous(n, c.zone())).contains(n);
    Optional<Instant> before = c.schedule().previous(n.minusNanos(1), c.zone());
    before.ifPresent(b -> assertThat(b).isBeforeOrEqualTo(c.t()));
    // every minute in between, checked on its own wall clock
    if (Duration.between(c.t(), n).toDays() < 3) {
      for (Instant m = c.t().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
          m.isBefore(n);
          m = m.plus(Duration.ofMinutes(1))) {
        assertThat(c.schedule().matches(m, c.zone())).as("%s matches in between", m).isFalse();
      }
    }
  }

  @Provide
  Arbitrary<QuietHours> quiet() {
    Arbitrary<LocalTime> times =
        Arbitraries.integers().between(0, 24 * 4 - 1).map(q -> LocalTime.of(q / 4, q % 4 * 15));
    return Combinators.combine(times, times)
        .filter((a, b) -> !a.equals(b))
        .as(QuietHours::new)
        .injectNull(0.2);
  }

  @Provide
  Arbitrary<LocalTime> deliverAt() {
    return Arbitraries.integers()
        .between(0, 24 * 60 - 1)
        .map(m -> LocalTime.of(m / 60, m % 60))
        .injectNull(0.2);
  }

  @Provide
  Arbitrary<String> recipientZones() {
    return Arbitraries.oneOf(
        Arbitraries.of(ZONES),
        Arbitraries.of("Pacific/Kiritimati", "Etc/GMT+12", "+05:45", "Mars/Olympus", ""),
        Arbitraries.just(null));
  }

  @Property(tries = 1000)
  void aDeliveryIsNeverEarlyNeverQuietAndNeverFarOff(
      @ForAll("zones") ZoneId campaign,
      @ForAll("deliverAt") LocalTime deliverAt,
      @ForAll("quiet") QuietHours quiet,
      @ForAll("recipientZones") String recipient,
      @ForAll("cases") Case run) {
    Instant runAt = run.t();
    RecipientLocalTime.Due due =
        new RecipientLocalTime(campaign, deliverAt, quiet).due(runAt, recipient);
    assertThat(due.at()).isAfterOrEqualTo(runAt);
    if (quiet != null) {
      assertThat(quiet.contains(due.at().atZone(due.zone()).toLocalTime())).isFalse();
    }
    // a day, plus how far the campaign's clock is ahead of the recipient's, plus quiet hours
    long ahead =
        Math.max(
            0,
            campaign.getRules().getOffset(runAt).getTotalSeconds()
                - due.zone().getRules().getOffset(runAt).getTotalSeconds());
    Duration bound =
        Duration.ofHours(deliverAt == null ? 0 : 26)
            .plusSeconds(deliverAt == null ? 0 : ahead)
            .plus(quiet == null ? Duration.ZERO : Duration.ofHours(25));
    assertThat(Duration.between(runAt, due.at())).isLessThanOrEqualTo(bound);
    if (campaign.equals(due.zone())) {
      assertThat(Duration.between(runAt, due.at())).isLessThan(Duration.ofHours(49));
    }
    // without quiet hours, deliverAt is kept to the minute unless it fell into a gap
    if (quiet == null && deliverAt != null) {
      LocalTime local = due.at().atZone(due.zone()).toLocalTime();
      boolean gap =
          due.zone().getRules().getTransition(due.at().atZone(due.zone()).toLocalDateTime()) != null
              || due.zone().getRules().nextTransition(due.at().minusSeconds(1)) != null
                  && due.zone()
                      .getRules()
                      .nextTransition(due.at().minusSeconds(1))
                      .getInstant()
                      .equals(due.at());
      if (!gap) {
        assertThat(local).isEqualTo(deliverAt);
      }
    }
  }

  @Property(tries = 300)
  void decisionsStartOnlyDueTimesWithinTheDeadlineAndSkipOnlyPastIt(
      @ForAll("cases") Case c,
      @ForAll("deadlines") Long deadline,
      @ForAll("gaps") long sinceLastSeconds) {
    Instant now = c.t();
    Instant last = now.minusSeconds(sinceLastSeconds);
    Trigger trigger = new Trigger.Recurring(c.schedule(), c.zone());
    ScheduleState state =
        new ScheduleState(
            trigger, last.minus(Duration.ofDays(1)), last, deadline, false, null, false);
    ScheduleDecision d = MissedRuns.decide(state, now);
    switch (d) {
      case ScheduleDecision.Start s -> {
        assertThat(s.scheduledFor()).isAfter(last).isBeforeOrEqualTo(now);
        assertThat(c.schedule().matches(s.scheduledFor(), c.zone())).isTrue();
        assertThat(c.schedule().next(s.scheduledFor(), c.zone()).orElseThrow()).isAfter(now);
        if (deadline != null) {
          assertThat(s.scheduledFor()).isAfter(now.minusSeconds(deadline));
        }
        assertThat(s.wakeAt()).isPresent();
        assertThat(s.wakeAt().get()).isAfter(now);
      }
      case ScheduleDecision.Skip s -> {
        assertThat(deadline).isNotNull();
        assertThat(s.latestMissed()).isAfter(last).isBeforeOrEqualTo(now.minusSeconds(deadline));
        assertThat(s.missed().count()).isPositive();
      }
      case ScheduleDecision.NotDue n -> {
        Optional<Instant> next = c.schedule().next(last, c.zone());
        assertThat(next.orElseThrow()).isAfter(now);
        assertThat(n.wakeAt()).isEqualTo(next);
      }
      default -> throw new AssertionError("unexpected " + d);
    }
  }

  @Provide
  Arbitrary<Long> deadlines() {
    return Arbitraries.longs().between(1, 7 * 86_400).injectNull(0.4);
  }

  @Provide
  Arbitrary<Long> gaps() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(0, 3_600), Arbitraries.longs().between(0, 40 * 86_400));
  }
}
