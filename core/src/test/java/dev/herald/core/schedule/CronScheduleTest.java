package dev.herald.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CronJob's schedule vocabulary and its timing across daylight-saving gaps and overlaps, as
 * robfig/cron v3's {@code SpecSchedule.Next} computes it.
 */
class CronScheduleTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId LORD_HOWE = ZoneId.of("Australia/Lord_Howe");
  private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");
  private static final ZoneId UTC = ZoneId.of("UTC");

  private static Instant at(String offsetDateTime) {
    return OffsetDateTime.parse(offsetDateTime).toInstant();
  }

  /** The next {@code n} fire times after {@code from}. */
  private static List<Instant> fires(String schedule, ZoneId zone, String from, int n) {
    CronSchedule s = CronSchedule.parse(schedule);
    List<Instant> out = new ArrayList<>();
    Instant t = at(from);
    for (int i = 0; i < n; i++) {
      t = s.next(t, zone).orElseThrow();
      out.add(t);
    }
    return out;
  }

  private static List<Instant> all(String... times) {
    return List.of(times).stream().map(CronScheduleTest::at).toList();
  }

  @Test
  void aTimeInsideTheSpringForwardGapDoesNotFireThatDay() {
    // Berlin skips 02:00-03:00 on 2026-03-29: no 02:30 that day, as robfig/cron and CronJob
    assertThat(fires("30 2 * * *", BERLIN, "2026-03-28T02:30:00+01:00", 2))
        .isEqualTo(all("2026-03-30T02:30:00+02:00", "2026-03-31T02:30:00+02:00"));
    // New York skips 02:00-03:00 on 2026-03-08
    assertThat(fires("30 2 * * *", NEW_YORK, "2026-03-07T12:00:00-05:00", 1))
        .isEqualTo(all("2026-03-09T02:30:00-04:00"));
    // Lord Howe skips 02:00-02:30 on 2026-10-04: 02:15 does not exist, 02:45 does
    assertThat(fires("15 2 * * *", LORD_HOWE, "2026-10-03T12:00:00+10:30", 1))
        .isEqualTo(all("2026-10-05T02:15:00+11:00"));
    assertThat(fires("45 2 * * *", LORD_HOWE, "2026-10-03T12:00:00+10:30", 1))
        .isEqualTo(all("2026-10-04T02:45:00+11:00"));
  }

  @Test
  void aTimeInsideTheFallBackOverlapFiresTwice() {
    // Berlin repeats 02:00-03:00 on 2026-10-25 (CEST, then CET)
    assertThat(fires("30 2 * * *", BERLIN, "2026-10-24T12:00:00+02:00", 3))
        .isEqualTo(
            all(
                "2026-10-25T02:30:00+02:00",
                "2026-10-25T02:30:00+01:00",
                "2026-10-26T02:30:00+01:00"));
    // New York repeats 01:00-02:00 on 2026-11-01
    assertThat(fires("30 1 * * *", NEW_YORK, "2026-10-31T12:00:00-04:00", 3))
        .isEqualTo(
            all(
                "2026-11-01T01:30:00-04:00",
                "2026-11-01T01:30:00-05:00",
                "2026-11-02T01:30:00-05:00"));
    // Lord Howe repeats 01:30-02:00 on 2026-04-05: 01:45 twice, 01:15 once
    assertThat(fires("45 1 * * *", LORD_HOWE, "2026-04-04T12:00:00+11:00", 3))
        .isEqualTo(
            all(
                "2026-04-05T01:45:00+11:00",
                "2026-04-05T01:45:00+10:30",
                "2026-04-06T01:45:00+10:30"));
    assertThat(fires("15 1 * * *", LORD_HOWE, "2026-04-04T12:00:00+11:00", 2))
        .isEqualTo(all("2026-04-05T01:15:00+11:00", "2026-04-06T01:15:00+10:30"));
  }

  @Test
  void schedulesThatNameNoHourKeepTheirPaceInRealTime() {
    assertThat(fires("0 * * * *", BERLIN, "2026-03-29T01:00:00+01:00", 2))
        .isEqualTo(all("2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00"));
    assertThat(fires("0 * * * *", BERLIN, "2026-10-25T01:00:00+02:00", 3))
        .isEqualTo(
            all(
                "2026-10-25T02:00:00+02:00",
                "2026-10-25T02:00:00+01:00",
                "2026-10-25T03:00:00+01:00"));
    assertThat(fires("*/15 * * * *", LORD_HOWE, "2026-10-04T01:45:00+10:30", 2))
        .isEqualTo(all("2026-10-04T02:30:00+11:00", "2026-10-04T02:45:00+11:00"));
  }

  @Test
  void aZoneWithoutDaylightSavingFiresEveryDayAtTheSameTime() {
    assertThat(fires("30 2 * * *", KOLKATA, "2026-03-28T12:00:00+05:30", 3))
        .isEqualTo(
            all(
                "2026-03-29T02:30:00+05:30",
                "2026-03-30T02:30:00+05:30",
                "2026-03-31T02:30:00+05:30"));
  }

  @ParameterizedTest
  @CsvSource({
    "@yearly, 2027-01-01T00:00:00Z",
    "@annually, 2027-01-01T00:00:00Z",
    "@monthly, 2026-07-01T00:00:00Z",
    "@weekly, 2026-06-21T00:00:00Z",
    "@daily, 2026-06-18T00:00:00Z",
    "@midnight, 2026-06-18T00:00:00Z",
    "@hourly, 2026-06-17T13:00:00Z",
  })
  void macrosAreTheExpansionsCronJobUses(String macro, String expected) {
    // 2026-06-17 is a Wednesday
    assertThat(CronSchedule.parse(macro).next(at("2026-06-17T12:34:56Z"), UTC))
        .contains(at(expected));
  }

  @Test
  void atEveryCountsFromTheLastRunInWholeSeconds() {
    CronSchedule every = CronSchedule.parse("@every 1h30m");
    assertThat(every.interval()).contains(Duration.ofMinutes(90));
    assertThat(every.next(at("2026-06-17T12:34:56.789Z"), BERLIN))
        .contains(at("2026-06-17T14:04:56Z"));
    assertThat(CronSchedule.parse("@every 500ms").interval()).contains(Duration.ofSeconds(1));
    assertThat(CronSchedule.parse("@every 1.5h").interval()).contains(Duration.ofMinutes(90));
    assertThat(CronSchedule.parse("@every 90s").interval()).contains(Duration.ofSeconds(90));
  }

  @Test
  void theSyntaxCronJobAccepts() {
    ZoneId z = UTC;
    Instant wed = at("2026-06-17T12:34:56Z");
    assertThat(CronSchedule.parse("*/15 9-17 * * 1-5").next(wed, z))
        .contains(at("2026-06-17T12:45:00Z"));
    assertThat(CronSchedule.parse("0 0 1,15 * *").next(wed, z))
        .contains(at("2026-07-01T00:00:00Z"));
    assertThat(CronSchedule.parse("0 12 * jan-mar mon,WED").next(wed, z))
        .contains(at("2027-01-04T12:00:00Z"));
    assertThat(CronSchedule.parse("0 0 ? * ?").next(wed, z)).contains(at("2026-06-18T00:00:00Z"));
    assertThat(CronSchedule.parse("5/20 * * * *").next(wed, z))
        .contains(at("2026-06-17T12:45:00Z"));
    assertThat(CronSchedule.parse("10-40/15 * * * *").next(wed, z))
        .contains(at("2026-06-17T12:40:00Z"));
    assertThat(CronSchedule.parse("  0   8 * * SUN  ").next(wed, z))
        .contains(at("2026-06-21T08:00:00Z"));
    // a step longer than the field selects its first value only, as robfig/cron has it
    assertThat(CronSchedule.parse("*/61 */24 * * *").next(wed, z))
        .contains(at("2026-06-18T00:00:00Z"));
    assertThat(CronSchedule.parse("7/90 * * * *").next(wed, z))
        .contains(at("2026-06-17T13:07:00Z"));
    assertThat(CronSchedule.parse("0 0 29 2 *").next(wed, z)).contains(at("2028-02-29T00:00:00Z"));
  }

  @Test
  void dayOfMonthAndDayOfWeekBothRestrictedMeanEither() {
    // the 1st of the month or any Friday
    assertThat(fires("0 9 1 * 5", UTC, "2026-06-17T12:00:00Z", 3))
        .isEqualTo(all("2026-06-19T09:00:00Z", "2026-06-26T09:00:00Z", "2026-07-01T09:00:00Z"));
    // with either one a star, both must match: Fridays only
    assertThat(fires("0 9 * * 5", UTC, "2026-06-17T12:00:00Z", 2))
        .isEqualTo(all("2026-06-19T09:00:00Z", "2026-06-26T09:00:00Z"));
    // a step on the star is no longer a star (robfig's starBit)
    assertThat(fires("0 9 */10 * 5", UTC, "2026-06-17T12:00:00Z", 2))
        .isEqualTo(all("2026-06-19T09:00:00Z", "2026-06-21T09:00:00Z"));
  }

  @Test
  void previousIsTheLastFireAtOrBefore() {
    CronSchedule s = CronSchedule.parse("0 9 * * *");
    assertThat(s.previous(at("2026-01-10T09:00:00+01:00"), BERLIN))
        .contains(at("2026-01-10T09:00:00+01:00"));
    assertThat(s.previous(at("2026-01-10T08:59:59+01:00"), BERLIN))
        .contains(at("2026-01-09T09:00:00+01:00"));
    assertThat(CronSchedule.parse("30 2 * * *").previous(at("2026-10-25T12:00:00+01:00"), BERLIN))
        .contains(at("2026-10-25T02:30:00+01:00"));
    assertThat(CronSchedule.parse("@every 1h").previous(at("2026-10-25T12:00:00Z"), BERLIN))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "TZ=UTC 0 9 * * *",
        "CRON_TZ=Europe/Berlin 0 9 * * *",
        "",
        "* * * *",
        "0 * * * * *",
        "61 * * * *",
        "* 24 * * *",
        "* * 0 * *",
        "* * * 13 *",
        "* * * * 7",
        "5-1 * * * *",
        "*/0 * * * *",
        "0 0 L * *",
        "0 0 15W * *",
        "0 0 * * mon#2",
        "0 0 * * monday",
        "0 0 * feb-mon *",
        "0 0 30 2 *",
        "0 0 31 4,6,9,11 *",
        "@reboot",
        "@daily ",
        "@Daily",
        "@every",
        "@every 5x",
        "@every 1h 30m",
        "every 5 minutes",
      })
  void whatCronJobRefusesOrCannotRunIsAProblemNamingTheField(String schedule) {
    assertThatThrownBy(() -> CronSchedule.parse(schedule))
        .isInstanceOfSatisfying(
            ScheduleProblem.class,
            p -> {
              assertThat(p.field()).isEqualTo("spec.schedule");
              assertThat(p.getMessage()).startsWith("spec.schedule: ");
              assertThat(p.reason()).isNotBlank();
            });
  }

  @Test
  void problemsSayWhatToDo() {
    assertThatThrownBy(() -> CronSchedule.parse("CRON_TZ=UTC 0 9 * * *"))
        .hasMessageContaining("spec.timeZone");
    assertThatThrownBy(() -> CronSchedule.parse("61 * * * *"))
        .hasMessageContaining("\"61 * * * *\"")
        .hasMessageContaining("minute 0-59");
    assertThatThrownBy(() -> CronSchedule.parse("@fortnightly")).hasMessageContaining("@hourly");
    assertThatThrownBy(() -> CronSchedule.parse("0 0 30 2 *")).hasMessageContaining("never fires");
    assertThatThrownBy(() -> CronSchedule.parse("0 9 * *"))
        .hasMessageContaining("expected exactly 5 fields");
  }

  @Test
  void nothingWithinFiveYearsIsNoTime() {
    // every day of February 29th is fine; a parse already refuses what never fires
    Optional<Instant> next = CronSchedule.parse("0 0 29 2 *").next(at("2028-03-01T00:00:00Z"), UTC);
    assertThat(next).contains(at("2032-02-29T00:00:00Z"));
  }
}
