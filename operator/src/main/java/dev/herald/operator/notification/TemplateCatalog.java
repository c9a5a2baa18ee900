package dev.herald.operator.notification;

import dev.herald.api.provider.DeliveryProvider;
import dev.herald.api.template.NotificationTemplate;
import java.util.List;
import java.util.Optional;

/**
 * Templates and providers of a namespace, read from the operator's informer caches (no API call).
 */
public interface TemplateCatalog {
  Optional<NotificationTemplate> template(String namespace, String name);

  List<DeliveryProvider> providers(String namespace);

  /** Whether the caches have been filled. */
  boolean synced();
}
