package dev.herald.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Deliveries at the recipient's local time, across zones, DST and quiet hours. */
class RecipientLocalTimeTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final LocalTime NINE = LocalTime.of(9, 0);

  private static Instant at(String offsetDateTime) {
    return OffsetDateTime.parse(offsetDateTime).toInstant();
  }

  private static Instant due(
      ZoneId campaign, LocalTime deliverAt, QuietHours quiet, String run, String zone) {
    return new RecipientLocalTime(campaign, deliverAt, quiet).due(at(run), zone).at();
  }

  @Test
  void theRunSpansTheZonesOnItsDate() {
    // Monday 2026-01-12 07:00 in Berlin
    String run = "2026-01-12T07:00:00+01:00";
    assertThat(due(BERLIN, NINE, null, run, "Europe/Berlin"))
        .isEqualTo(at("2026-01-12T09:00:00+01:00"));
    assertThat(due(BERLIN, NINE, null, run, "America/New_York"))
        .isEqualTo(at("2026-01-12T09:00:00-05:00"));
    assertThat(due(BERLIN, NINE, null, run, "America/Los_Angeles"))
        .isEqualTo(at("2026-01-12T09:00:00-08:00"));
    // Monday 09:00 has passed in Tokyo (15:00 there): Tuesday 09:00, never at 15:00
    assertThat(due(BERLIN, NINE, null, run, "Asia/Tokyo"))
        .isEqualTo(at("2026-01-13T09:00:00+09:00"));
    assertThat(due(BERLIN, NINE, null, run, "Asia/Kolkata"))
        .isEqualTo(at("2026-01-13T09:00:00+05:30"));
  }

  @Test
  void aLateRunKeepsItsDateAndSendsWhatItMissedWhenItStartsNotADayLater() {
    // the Monday 07:00 run started at 10:30 Berlin (the operator was down)
    RecipientLocalTime local =
        new RecipientLocalTime(BERLIN, NINE, QuietHours.parse("21:00", "08:00"));
    Instant run = at("2026-01-12T07:00:00+01:00");
    Instant started = at("2026-01-12T10:30:00+01:00");
    // Berlin's 09:00 passed while it was late: now, on Monday
    assertThat(local.due(run, started, "Europe/Berlin").at()).isEqualTo(started);
    // New York's Monday 09:00 is still ahead
    assertThat(local.due(run, started, "America/New_York").at())
        .isEqualTo(at("2026-01-12T09:00:00-05:00"));
    // Tokyo: Tuesday 09:00 as on time
    assertThat(local.due(run, started, "Asia/Tokyo").at())
        .isEqualTo(at("2026-01-13T09:00:00+09:00"));
    // started so late that it is night in Berlin: quiet hours hold it until 08:00 Tuesday
    Instant night = at("2026-01-12T23:00:00+01:00");
    assertThat(local.due(run, night, "Europe/Berlin").at())
        .isEqualTo(at("2026-01-13T08:00:00+01:00"));
  }

  @Test
  void aRecipientWhoseClockIsStillOnTheDayBeforeWaitsForTheRunsDate() {
    // Monday 00:30 in Berlin is Sunday 18:30 in New York: the Monday run arrives on Monday
    assertThat(
            due(BERLIN, LocalTime.of(20, 0), null, "2026-01-12T00:30:00+01:00", "America/New_York"))
        .isEqualTo(at("2026-01-12T20:00:00-05:00"));
  }

  @Test
  void withoutAZoneOrWithABadOneTheCampaignsZoneIsUsed() {
    RecipientLocalTime t = new RecipientLocalTime(BERLIN, NINE, null);
    RecipientLocalTime.Due none = t.due(at("2026-01-12T07:00:00+01:00"), null);
    RecipientLocalTime.Due bad = t.due(at("2026-01-12T07:00:00+01:00"), "Mars/Olympus");
    assertThat(none.at()).isEqualTo(at("2026-01-12T09:00:00+01:00"));
    assertThat(none.recipientZoneUsed()).isFalse();
    assertThat(bad).isEqualTo(none);
    assertThat(t.due(at("2026-01-12T07:00:00+01:00"), "Asia/Tokyo").recipientZoneUsed()).isTrue();
  }

  @Test
  void aDeliverAtInsideAGapIsDueWhenTheGapEnds() {
    // Berlin skips 02:00-03:00 on 2026-03-29
    assertThat(due(BERLIN, LocalTime.of(2, 30), null, "2026-03-29T00:00:00+01:00", "Europe/Berlin"))
        .isEqualTo(at("2026-03-29T03:00:00+02:00"));
    // Lord Howe skips 02:00-02:30 on 2026-10-04
    ZoneId lordHowe = ZoneId.of("Australia/Lord_Howe");
    assertThat(
            due(
                lordHowe,
                LocalTime.of(2, 15),
                null,
                "2026-10-04T00:00:00+10:30",
                "Australia/Lord_Howe"))
        .isEqualTo(at("2026-10-04T02:30:00+11:00"));
    // New York skips 02:00-03:00 on 2026-03-08
    assertThat(
            due(
                ZoneId.of("America/New_York"),
                LocalTime.of(2, 30),
                null,
                "2026-03-08T00:00:00-05:00",
                null))
        .isEqualTo(at("2026-03-08T03:00:00-04:00"));
  }

  @Test
  void aDeliverAtInsideAnOverlapIsDueAtItsEarlierOccurrence() {
    assertThat(due(BERLIN, LocalTime.of(2, 30), null, "2026-10-25T00:00:00+02:00", "Europe/Berlin"))
        .isEqualTo(at("2026-10-25T02:30:00+02:00"));
    // a run between the two occurrences gets the later one, the same day
    assertThat(due(BERLIN, LocalTime.of(2, 30), null, "2026-10-25T02:10:00+01:00", "Europe/Berlin"))
        .isEqualTo(at("2026-10-25T02:30:00+01:00"));
  }

  @Test
  void quietHoursDeferToTheWindowsEndInTheRecipientsZone() {
    QuietHours night = QuietHours.parse("21:00", "08:00");
    // no deliverAt: due when the run starts, 22:00 in Berlin = 16:00 in New York
    String run = "2026-01-12T22:00:00+01:00";
    assertThat(due(BERLIN, null, night, run, "Europe/Berlin"))
        .isEqualTo(at("2026-01-13T08:00:00+01:00"));
    assertThat(due(BERLIN, null, night, run, "America/New_York")).isEqualTo(at(run));
    // 06:00 in Tokyo: inside the window after midnight, to 08:00 the same day
    assertThat(due(BERLIN, null, night, run, "Asia/Tokyo"))
        .isEqualTo(at("2026-01-13T08:00:00+09:00"));
    // a window that does not span midnight
    QuietHours lunch = QuietHours.parse("12:00", "14:00");
    assertThat(due(BERLIN, null, lunch, "2026-01-12T12:30:00+01:00", null))
        .isEqualTo(at("2026-01-12T14:00:00+01:00"));
    assertThat(due(BERLIN, null, lunch, "2026-01-12T14:00:00+01:00", null))
        .isEqualTo(at("2026-01-12T14:00:00+01:00"));
    // deliverAt inside quiet hours: deferred, never dropped
    RecipientLocalTime.Due d =
        new RecipientLocalTime(BERLIN, LocalTime.of(22, 0), night)
            .due(at("2026-01-12T07:00:00+01:00"), null);
    assertThat(d.at()).isEqualTo(at("2026-01-13T08:00:00+01:00"));
    assertThat(d.quietHoursDeferred()).isTrue();
  }

  @Test
  void aWindowEndingInAGapEndsWithTheGap() {
    QuietHours night = QuietHours.parse("23:00", "02:30");
    assertThat(due(BERLIN, null, night, "2026-03-29T01:00:00+01:00", null))
        .isEqualTo(at("2026-03-29T03:00:00+02:00"));
  }

  @Test
  void badTimesAreProblemsNamingTheField() {
    assertThatThrownBy(() -> QuietHours.parse("21:00", "8:00"))
        .hasMessageStartingWith("spec.quietHours.end: ");
    assertThatThrownBy(() -> QuietHours.parse("24:00", "08:00"))
        .hasMessageStartingWith("spec.quietHours.start: ");
    assertThatThrownBy(() -> QuietHours.parse("08:00", "08:00"))
        .hasMessageStartingWith("spec.quietHours: ");
    assertThatThrownBy(() -> QuietHours.timeOfDay("spec.deliverAt", "9am"))
        .hasMessageStartingWith("spec.deliverAt: ");
    assertThat(QuietHours.timeOfDay("spec.deliverAt", "09:00")).isEqualTo(NINE);
  }
}
