package dev.herald.operator.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContactFormatsTest {
  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        "+49 170 1234567, +491701234567",
        "+1 (415) 555-2671, +14155552671",
        "+44 20 7946 0958, +442079460958",
        "0170 1234567, null",
        "+12, null",
        "+999 1234567, null",
        "+49 170 1234567 ext, null"
      })
  void phonesBecomeE164(String input, String expected) {
    assertThat(ContactFormats.phone(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {"de-at, de-AT", "pt-BR, pt-BR", "en, en", "english!, null", "12, null"})
  void localesAreCanonicalBcp47(String input, String expected) {
    assertThat(ContactFormats.locale(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        "Europe/Berlin, Europe/Berlin",
        "America/New_York, America/New_York",
        "Mars/Olympus, null",
        "+02:00, null"
      })
  void timeZonesAreIana(String input, String expected) {
    assertThat(ContactFormats.timeZone(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        "ios, ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789, abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
        "ios, abc, null",
        "android, short:token, null",
        "web, https://fcm.googleapis.com/fcm/send/abc, null",
        "web, http://push.example.com/x, null",
        "pager, x, null"
      })
  void deviceTokensFollowTheirPlatform(String platform, String token, String expected) {
    assertThat(ContactFormats.deviceToken(platform, token)).isEqualTo(expected);
  }
}
