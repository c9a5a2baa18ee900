package dev.herald.providers.webpush;

import com.interaso.webpush.VapidKeys;
import com.interaso.webpush.WebPush;
import dev.herald.api.provider.WebPushSettings;
import dev.herald.core.webpush.VapidKeyPair;
import dev.herald.core.webpush.WebPushEndpoints;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderConfig;

/**
 * Standard Web Push through com.interaso:webpush, which builds the VAPID header and the aes128gcm
 * body with the JDK's crypto; Herald sends them itself ({@link PushServiceTransport}) so that only
 * public push services are reached. The VAPID key pair comes from the Secret ({@value
 * VapidKeyPair#PUBLIC_KEY}, {@value VapidKeyPair#PRIVATE_KEY}), the subject from {@code
 * spec.webpush.subject}.
 */
final class WebPushClients {
  private final WebPushEndpoints endpoints;

  WebPushClients(WebPushEndpoints endpoints) {
    this.endpoints = endpoints;
  }

  ProviderClient create(ProviderConfig config) {
    WebPushSettings settings = config.spec().getWebpush();
    if (settings == null || settings.subject() == null) {
      throw new IllegalArgumentException("spec.webpush.subject is missing");
    }
    VapidKeyPair keys = VapidKeyPair.from(config.secret());
    WebPush webPush =
        new WebPush(settings.subject(), new VapidKeys(keys.publicKey(), keys.privateKey()));
    return new WebPushClient(
        config.name(), webPush, endpoints, new PushServiceTransport(endpoints, config.timeout()));
  }
}
