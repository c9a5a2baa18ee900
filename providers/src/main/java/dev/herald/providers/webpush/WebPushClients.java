package dev.herald.dispatcher.webpush;

import com.interaso.webpush.VapidKeys;
import com.interaso.webpush.WebPush;
import dev.herald.api.provider.ProviderType;
import dev.herald.api.provider.WebPushSettings;
import dev.herald.core.webpush.VapidKeyPair;
import dev.herald.core.webpush.WebPushEndpoints;
import dev.herald.dispatcher.provider.ProviderClient;
import dev.herald.dispatcher.provider.ProviderClientFactory;
import dev.herald.dispatcher.provider.ProviderConfig;

/**
 * Standard Web Push through com.interaso:webpush, which builds the VAPID header and the aes128gcm
 * body with the JDK's crypto; Herald sends them itself ({@link PushServiceTransport}) so that only
 * public push services are reached. The VAPID key pair comes from the Secret
 * ({@value VapidKeyPair#PUBLIC_KEY}, {@value VapidKeyPair#PRIVATE_KEY}), the subject from
 * {@code spec.webpush.subject}.
 */
public final class WebPushClientFactory implements ProviderClientFactory {
  private final WebPushEndpoints endpoints;

  /** Public push services only: what production runs. */
  public WebPushClientFactory() {
    this(WebPushEndpoints.publicOnly());
  }

  /** With other endpoint rules: the sandbox's and tests' loopback simulator, or a test's resolver. */
  public WebPushClientFactory(WebPushEndpoints endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public ProviderType type() {
    return ProviderType.WEBPUSH;
  }

  @Override
  public ProviderClient create(ProviderConfig config) {
    WebPushSettings settings = config.spec().getWebpush();
    if (settings == null || settings.subject() == null) {
      throw new IllegalArgumentException("spec.webpush.subject is missing");
    }
    VapidKeyPair keys = VapidKeyPair.from(config.secret());
    WebPush webPush = new WebPush(settings.subject(), new VapidKeys(keys.publicKey(), keys.privateKey()));
    return new WebPushClient(config.name(), webPush, endpoints, new PushServiceTransport(endpoints, config.timeout()));
  }
}
