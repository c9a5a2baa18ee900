package dev.herald.providers.vonage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.api.provider.ProviderType;
import dev.herald.providers.TestDeliveries;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a vonage provider's Secret must hold, told by key and never by value. */
class VonageProviderTest {
  private final VonageProvider provider = new VonageProvider();

  @Test
  void keyAndSecretSufficeAndASignatureMethodMustBeVonages() {
    assertThat(
            provider.credentialProblems(
                Map.of("apiKey", "a1b2c3d4", "apiSecret", "Zx9Yw8Vu7Ts6Rq5P")))
        .isEmpty();
    assertThat(
            provider.credentialProblems(
                Map.of(
                    "apiKey",
                    "a1b2c3d4",
                    "apiSecret",
                    "Zx9Yw8Vu7Ts6Rq5P",
                    "signatureSecret",
                    "s1gn4tur3",
                    "signatureMethod",
                    "SHA512")))
        .isEmpty();
    assertThat(
            provider.credentialProblems(
                Map.of(
                    "apiKey",
                    "a1b2c3d4",
                    "apiSecret",
                    "Zx9Yw8Vu7Ts6Rq5P",
                    "signatureSecret",
                    "s1gn4tur3",
                    "signatureMethod",
                    "sha3-hush")))
        .containsExactly("key signatureMethod is not one of md5hash, md5, sha1, sha256, sha512");
    assertThat(
            provider.credentialProblems(
                Map.of(
                    "apiKey",
                    "a1b2c3d4",
                    "apiSecret",
                    "Zx9Yw8Vu7Ts6Rq5P",
                    "signatureMethod",
                    "sha256")))
        .singleElement()
        .asString()
        .startsWith("key signatureMethod is set but key signatureSecret");
    assertThat(provider.credentialProblems(Map.of("apiKey", "a1b2 c3d4!", "apiSecret", " ")))
        .containsExactly(
            "key apiKey is not a Vonage API key (4 to 64 letters and digits)",
            "key apiSecret is missing or empty");
  }

  @Test
  void aClientWithoutItsKeysOrSettingsNamesWhatIsMissing() {
    assertThatThrownBy(
            () ->
                provider.client(
                    TestDeliveries.config(
                        ProviderType.VONAGE,
                        null,
                        spec -> {},
                        Map.of("apiKey", "a1b2c3d4"),
                        Duration.ofSeconds(1))))
        .hasMessage("the provider's Secret lacks apiSecret");
    assertThatThrownBy(
            () ->
                provider.client(
                    TestDeliveries.config(
                        ProviderType.VONAGE,
                        null,
                        spec -> {},
                        Map.of("apiKey", "a1b2c3d4", "apiSecret", "Zx9Yw8Vu7Ts6Rq5P"),
                        Duration.ofSeconds(1))))
        .hasMessage("spec.vonage");
  }
}
