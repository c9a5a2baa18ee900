package dev.herald.providers.webpush;

import dev.herald.api.provider.ProviderType;
import dev.herald.core.webpush.VapidKeyPair;
import dev.herald.core.webpush.WebPushEndpoints;
import dev.herald.providers.Provider;
import dev.herald.providers.ProviderClient;
import dev.herald.providers.ProviderConfig;
import java.util.List;
import java.util.Map;

/**
 * Standard Web Push (VAPID, RFC 8291) to the push service a browser subscribed with: the Secret's
 * VAPID key pair; clients through com.interaso:webpush ({@link WebPushClients}), reaching only the
 * push services {@code endpoints} allow.
 */
public final class WebPushProvider implements Provider {
  private final WebPushEndpoints endpoints;

  public WebPushProvider(WebPushEndpoints endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public ProviderType type() {
    return ProviderType.WEBPUSH;
  }

  /** A web device whose address is a Web Push subscription endpoint. */
  @Override
  public boolean serves(String platform, String address) {
    return "web".equals(platform) && WebPushEndpoints.isEndpoint(address);
  }

  @Override
  public List<String> credentialProblems(Map<String, String> secret) {
    return VapidKeyPair.problems(secret);
  }

  @Override
  public ProviderClient client(ProviderConfig config) {
    return new WebPushClients(endpoints).create(config);
  }
}
