package dev.herald.dispatcher.consumer;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.queue.DeliveryMessage;
import dev.herald.core.store.Contact;
import dev.herald.core.store.DeliveryKey;
import dev.herald.core.store.NewDelivery;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a user's delivery failed permanently, adds a delivery on the notification's next fallback
 * channel where the user has an address — unless the user is still reachable on the failed channel
 * (another device) or already has a live delivery on that fallback channel. The new row starts
 * {@code pending}; the relay publishes it.
 */
final class Fallback {
  private static final Logger LOG = LoggerFactory.getLogger(Fallback.class);

  private final Notifications notifications;
  private final Contacts contacts;

  Fallback(Notifications notifications, Contacts contacts) {
    this.notifications = notifications;
    this.contacts = contacts;
  }

  void after(DeliveryMessage failed, List<Channel> chain) {
    if (failed.userId() == null || chain.isEmpty()) {
      return;
    }
    try {
      DeliveryKey key = new DeliveryKey(failed.deliveryId(), failed.createdAt());
      Set<Channel> inUse = notifications.channelsInUse(key, failed.userId());
      if (inUse.contains(failed.channel())) {
        return;
      }
      Contact contact =
          contacts.findUsers(failed.tenant(), List.of(failed.userId())).get(failed.userId());
      if (contact == null) {
        return;
      }
      for (Channel next : chain) {
        if (next != failed.channel() && !inUse.contains(next) && contact.hasAddress(next)) {
          int added = 0;
          for (NewDelivery d : contact.deliveriesOn(next)) {
            if (d.state() == DeliveryState.PENDING && notifications.addDelivery(key, d)) {
              added++;
            }
          }
          if (added > 0) {
            LOG.info(
                "delivery {} failed on {}: falling back to {} ({} deliveries)",
                failed.deliveryId(),
                failed.channel().wireName(),
                next.wireName(),
                added);
            return;
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("fallback after delivery {} failed: {}", failed.deliveryId(), e.toString());
    }
  }
}
