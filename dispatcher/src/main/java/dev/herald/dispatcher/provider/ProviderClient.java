package dev.herald.dispatcher.provider;

import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.template.TemplateRenderer.Rendered;

/**
 * One configured provider, built from a DeliveryProvider and its Secret. Implementations call
 * the provider's own SDK and translate every answer into a {@link SendResult}; they throw only
 * for a bug, never for a provider error.
 */
public interface ProviderClient extends AutoCloseable {

  SendResult send(DeliveryMessage delivery, Rendered content);

  @Override
  default void close() {}
}
