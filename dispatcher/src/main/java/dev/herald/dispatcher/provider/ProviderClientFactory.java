package dev.herald.dispatcher.provider;

import dev.herald.api.provider.ProviderType;

/** Builds clients of one provider type; one implementation per provider package. */
public interface ProviderClientFactory {

  ProviderType type();

  ProviderClient create(ProviderConfig config);
}
