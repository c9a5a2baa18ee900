package dev.herald.providers;

import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.template.TemplateRenderer.Rendered;
import dev.herald.core.webpush.WebPushKeys;

/**
 * One configured provider, built from a DeliveryProvider and its Secret. Implementations call the
 * provider's own SDK and translate every answer into a {@link SendResult}; they throw only for a
 * bug, never for a provider error.
 */
public interface ProviderClient extends AutoCloseable {

  SendResult send(DeliveryMessage delivery, Rendered content);

  /**
   * Sends with what the claim read about the recipient's device now: a Web Push subscription's keys
   * (null for any other address). Only a client that encrypts to the device needs them.
   */
  default SendResult send(DeliveryMessage delivery, Rendered content, WebPushKeys webPushKeys) {
    return send(delivery, content);
  }

  @Override
  default void close() {}
}
