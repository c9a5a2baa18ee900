package dev.herald.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimeZonesTest {
  @ParameterizedTest
  @ValueSource(strings = {"Europe/Berlin", "America/New_York", "UTC", "Etc/GMT+5", "Asia/Kolkata"})
  void namesOfTheTzDatabaseAreCampaignZones(String zone) {
    assertThat(TimeZones.campaign(zone)).isEqualTo(ZoneId.of(zone));
  }

  @Test
  void anOmittedZoneIsUtc() {
    assertThat(TimeZones.campaign(null)).isEqualTo(ZoneOffset.UTC);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "Local", "local", "+02:00", "UTC+2", "GMT+01:00", "Z", "PST", "Europe/Pariss"})
  void whatCronJobRefusesIsAProblemNamingTheField(String zone) {
    assertThatThrownBy(() -> TimeZones.campaign(zone))
        .isInstanceOfSatisfying(
            ScheduleProblem.class, p -> assertThat(p.field()).isEqualTo("spec.timeZone"))
        .hasMessageStartingWith("spec.timeZone: ");
  }

  @Test
  void recipientsMayHaveOffsetsAndBadDataIsNoZone() {
    assertThat(TimeZones.recipient("Asia/Tokyo")).contains(ZoneId.of("Asia/Tokyo"));
    assertThat(TimeZones.recipient(" +05:30 ")).contains(ZoneOffset.ofHoursMinutes(5, 30));
    assertThat(TimeZones.recipient("Mars/Olympus")).isEmpty();
    assertThat(TimeZones.recipient("Local")).isEmpty();
    assertThat(TimeZones.recipient("+99:00")).isEmpty();
    assertThat(TimeZones.recipient("")).isEmpty();
    assertThat(TimeZones.recipient(null)).isEmpty();
  }
}
