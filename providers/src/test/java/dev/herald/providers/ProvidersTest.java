package dev.herald.dispatcher.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.provider.ProviderType;
import org.junit.jupiter.api.Test;

/** Which provider type can reach which push device: the address's form decides for web. */
class ProviderRoutingTest {
  private static final String FCM_TOKEN = "fcm-web-0001:APA91b" + "k".repeat(120);
  private static final String ENDPOINT = "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk";

  @Test
  void aWebFcmTokenGoesToFcmAndASubscriptionToWebPush() {
    assertThat(ProviderRegistry.serves(ProviderType.FCM, "web", FCM_TOKEN)).isTrue();
    assertThat(ProviderRegistry.serves(ProviderType.WEBPUSH, "web", FCM_TOKEN)).isFalse();
    assertThat(ProviderRegistry.serves(ProviderType.WEBPUSH, "web", ENDPOINT)).isTrue();
    assertThat(ProviderRegistry.serves(ProviderType.FCM, "web", ENDPOINT)).as("never an endpoint as a token").isFalse();
    assertThat(ProviderRegistry.serves(ProviderType.APNS, "web", ENDPOINT)).isFalse();
  }

  @Test
  void androidAndIosKeepTheirProviders() {
    assertThat(ProviderRegistry.serves(ProviderType.FCM, "android", FCM_TOKEN)).isTrue();
    assertThat(ProviderRegistry.serves(ProviderType.WEBPUSH, "android", ENDPOINT)).isFalse();
    assertThat(ProviderRegistry.serves(ProviderType.APNS, "ios", "ab".repeat(32))).isTrue();
    assertThat(ProviderRegistry.serves(ProviderType.FCM, "ios", "ab".repeat(32))).isFalse();
    assertThat(ProviderRegistry.serves(ProviderType.WEBPUSH, "ios", "ab".repeat(32))).isFalse();
    assertThat(ProviderRegistry.serves(ProviderType.SENDGRID, null, "a@b.example")).isTrue();
  }
}
