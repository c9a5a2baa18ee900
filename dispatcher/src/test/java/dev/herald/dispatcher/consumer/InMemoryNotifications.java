package dev.herald.dispatcher.consumer;

import dev.herald.api.Channel;
import dev.herald.core.store.DeliveryKey;
import dev.herald.core.store.NewDelivery;
import dev.herald.core.store.NotificationStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Accepted notifications in memory: their content, the channels a user has live deliveries on, the
 * deliveries added.
 */
final class InMemoryNotifications implements Notifications {
  /** A delivery added to the notification of {@code of}. */
  record Added(DeliveryKey of, NewDelivery delivery) {}

  private final Map<UUID, NotificationStore.Content> contents = new HashMap<>();
  private final Map<String, Set<Channel>> inUse = new HashMap<>();
  final List<Added> added = new CopyOnWriteArrayList<>();

  /** Set to make reading content fail, as Postgres being down would. */
  volatile RuntimeException contentsFailWith;

  InMemoryNotifications content(UUID notificationId, NotificationStore.Content content) {
    contents.put(notificationId, content);
    return this;
  }

  InMemoryNotifications channelsInUse(String userId, Set<Channel> channels) {
    inUse.put(userId, channels);
    return this;
  }

  @Override
  public Map<UUID, NotificationStore.Content> contents(List<UUID> notificationIds) {
    if (contentsFailWith != null) {
      throw contentsFailWith;
    }
    Map<UUID, NotificationStore.Content> found = new HashMap<>();
    notificationIds.stream()
        .filter(contents::containsKey)
        .forEach(id -> found.put(id, contents.get(id)));
    return found;
  }

  /** No cap is reached: the cap's own test runs on Postgres ({@code FrequencyCapsTest}). */
  @Override
  public boolean admit(
      DeliveryKey key,
      String tenant,
      String userId,
      String category,
      dev.herald.core.store.Pacing.FrequencyCap cap) {
    return true;
  }

  @Override
  public Set<Channel> channelsInUse(DeliveryKey of, String userId) {
    return inUse.getOrDefault(userId, Set.of());
  }

  @Override
  public boolean addDelivery(DeliveryKey of, NewDelivery delivery) {
    if (added.stream()
        .anyMatch(
            a ->
                a.delivery().channel() == delivery.channel()
                    && a.delivery().address().equals(delivery.address()))) {
      return false;
    }
    added.add(new Added(of, delivery));
    return true;
  }
}
