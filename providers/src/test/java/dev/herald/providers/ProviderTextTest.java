package dev.herald.providers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProviderTextTest {

  @Test
  void masksTheAddressAndInternationalNumbersButNotDatesOrCodes() {
    assertThat(
            ProviderText.clean(
                "The 'To' number +14155552671 is not a valid phone number.", "sms", "+14155552671"))
        .isEqualTo("The 'To' number +14*******71 is not a valid phone number.");
    assertThat(
            ProviderText.clean(
                "From +49 151 1234 5678 refused (error 21610 at 2026-01-02T03:04:05Z)",
                "sms",
                null))
        .doesNotContain("1234")
        .contains("21610")
        .contains("2026-01-02T03:04:05Z");
    assertThat(
            ProviderText.clean(
                "token abcdef0123456789abcdef is unknown", "push", "abcdef0123456789abcdef"))
        .isEqualTo("token abcd…(22) is unknown");
    assertThat(ProviderText.clean("x".repeat(400), "email", "a@b.example"))
        .hasSize(ProviderText.MAX_LENGTH + 1);
    assertThat(ProviderText.clean(null, "sms", null)).isEqualTo("(no message)");
  }
}
