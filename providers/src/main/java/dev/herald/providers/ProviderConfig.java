package dev.herald.providers;

import dev.herald.api.provider.DeliveryProviderSpec;
import java.time.Duration;
import java.util.Map;

/**
 * What a {@link ProviderClientFactory} needs: the provider's spec and its Secret's decoded values,
 * which live only in memory and never reach a log, a status or an exception message.
 */
public record ProviderConfig(
    String namespace,
    String name,
    DeliveryProviderSpec spec,
    Map<String, String> secret,
    Duration timeout) {

  @Override
  public String toString() {
    return "ProviderConfig[" + namespace + "/" + name + ", type=" + spec.getType().wireName() + "]";
  }
}
