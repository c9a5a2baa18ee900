package dev.herald.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.api.provider.ProviderType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One provider per type, and which type can reach which push device: the address's form decides for
 * web.
 */
class ProvidersTest {
  private static final Providers PROVIDERS = Providers.forChecks();

  private static final String FCM_TOKEN = "fcm-web-0001:APA91b" + "k".repeat(120);
  private static final String ENDPOINT =
      "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk";

  @Test
  void aWebFcmTokenGoesToFcmAndASubscriptionToWebPush() {
    assertThat(PROVIDERS.of(ProviderType.FCM).serves("web", FCM_TOKEN)).isTrue();
    assertThat(PROVIDERS.of(ProviderType.WEBPUSH).serves("web", FCM_TOKEN)).isFalse();
    assertThat(PROVIDERS.of(ProviderType.WEBPUSH).serves("web", ENDPOINT)).isTrue();
    assertThat(PROVIDERS.of(ProviderType.FCM).serves("web", ENDPOINT))
        .as("never an endpoint as a token")
        .isFalse();
    assertThat(PROVIDERS.of(ProviderType.APNS).serves("web", ENDPOINT)).isFalse();
  }

  @Test
  void androidAndIosKeepTheirProviders() {
    assertThat(PROVIDERS.of(ProviderType.FCM).serves("android", FCM_TOKEN)).isTrue();
    assertThat(PROVIDERS.of(ProviderType.WEBPUSH).serves("android", ENDPOINT)).isFalse();
    assertThat(PROVIDERS.of(ProviderType.APNS).serves("ios", "ab".repeat(32))).isTrue();
    assertThat(PROVIDERS.of(ProviderType.FCM).serves("ios", "ab".repeat(32))).isFalse();
    assertThat(PROVIDERS.of(ProviderType.WEBPUSH).serves("ios", "ab".repeat(32))).isFalse();
    assertThat(PROVIDERS.of(ProviderType.SENDGRID).serves(null, "a@b.example")).isTrue();
    assertThat(PROVIDERS.of(ProviderType.SMTP).serves(null, "a@b.example")).isTrue();
    assertThat(ProviderType.SMTP.channel()).isEqualTo(dev.herald.api.Channel.EMAIL);
  }

  @Test
  void everyTypeHasExactlyOneProvider() {
    assertThat(PROVIDERS.all())
        .extracting(Provider::type)
        .containsExactlyInAnyOrder(ProviderType.values());
    List<Provider> twice = new ArrayList<>(PROVIDERS.all());
    twice.add(PROVIDERS.of(ProviderType.TWILIO));
    assertThatThrownBy(() -> new Providers(twice)).hasMessage("two providers of type twilio");
    List<Provider> missing = new ArrayList<>(PROVIDERS.all());
    missing.remove(PROVIDERS.of(ProviderType.APNS));
    assertThatThrownBy(() -> new Providers(missing)).hasMessage("no provider of type apns");
  }
}
