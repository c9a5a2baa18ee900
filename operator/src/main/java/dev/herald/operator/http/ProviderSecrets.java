package dev.herald.operator.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.provider.ProviderType;
import dev.herald.core.SecretValues;
import dev.herald.operator.notification.TemplateCatalog;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;

/**
 * The credentials of a tenant's DeliveryProvider, as webhooks need them to verify signatures: the
 * provider from the informer cache, its Secret read once and cached briefly (a rotated Secret is
 * seen within {@link #TTL}). Values stay in memory only; values that cannot be read (a Secret the
 * API server did not validate) are left out, as if absent.
 */
final class ProviderSecrets {
  static final Duration TTL = Duration.ofSeconds(30);

  private record Key(String namespace, String provider, ProviderType type) {}

  private final KubernetesClient kube;
  private final TemplateCatalog catalog;
  private final Cache<Key, Map<String, String>> cache =
      Caffeine.newBuilder().expireAfterWrite(TTL).maximumSize(10_000).build();

  ProviderSecrets(KubernetesClient kube, TemplateCatalog catalog) {
    this.kube = kube;
    this.catalog = catalog;
  }

  /** The provider's Secret values; a 404 problem when there is no such provider of that type. */
  Map<String, String> of(String namespace, String provider, ProviderType type) {
    Map<String, String> values =
        cache.get(
            new Key(namespace, provider, type),
            k -> {
              DeliveryProvider p =
                  catalog.providers(namespace).stream()
                      .filter(
                          d ->
                              d.getMetadata().getName().equals(provider)
                                  && d.getSpec() != null
                                  && d.getSpec().getType() == type
                                  && d.getSpec().getSecretRef() != null)
                      .findFirst()
                      .orElse(null);
              if (p == null) {
                return null; // not cached: a provider created a moment later is found
              }
              GenericKubernetesResource secret =
                  kube.genericKubernetesResources("v1", "Secret")
                      .inNamespace(namespace)
                      .withName(p.getSpec().getSecretRef().name())
                      .get();
              return secret == null ? null : Map.copyOf(SecretValues.read(secret).values());
            });
    if (values == null) {
      throw Problem.notFound("webhook");
    }
    return values;
  }
}
