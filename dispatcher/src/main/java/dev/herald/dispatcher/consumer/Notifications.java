package dev.herald.dispatcher.consumer;

import dev.herald.api.Channel;
import dev.herald.core.store.DeliveryKey;
import dev.herald.core.store.FrequencyCaps;
import dev.herald.core.store.NewDelivery;
import dev.herald.core.store.NotificationStore;
import dev.herald.core.store.Pacing;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What the dispatcher reads of accepted notifications, and the fallback deliveries it adds to them.
 */
interface Notifications {

  /** The content of each of these notifications that is still stored. */
  Map<UUID, NotificationStore.Content> contents(List<UUID> notificationIds);

  /** The channels on which the user has a delivery of this notification that is not finished. */
  Set<Channel> channelsInUse(DeliveryKey of, String userId);

  /**
   * Adds a delivery to the notification of {@code of}; false when it has one to that address
   * already.
   */
  boolean addDelivery(DeliveryKey of, NewDelivery delivery);

  /**
   * Whether a claimed delivery to {@code userId} is within its frequency cap; one that is not is
   * suppressed already ({@link FrequencyCaps}).
   */
  boolean admit(
      DeliveryKey key, String tenant, String userId, String category, Pacing.FrequencyCap cap);

  /** The notification store in Postgres. */
  static Notifications of(NotificationStore store, FrequencyCaps caps) {
    return new Notifications() {
      @Override
      public boolean admit(
          DeliveryKey key, String tenant, String userId, String category, Pacing.FrequencyCap cap) {
        return caps.admit(key, tenant, userId, category, cap);
      }

      @Override
      public Map<UUID, NotificationStore.Content> contents(List<UUID> notificationIds) {
        return store.contents(notificationIds);
      }

      @Override
      public Set<Channel> channelsInUse(DeliveryKey of, String userId) {
        return store.channelsInUse(of, userId);
      }

      @Override
      public boolean addDelivery(DeliveryKey of, NewDelivery delivery) {
        return store.addDelivery(of, delivery);
      }
    };
  }
}
