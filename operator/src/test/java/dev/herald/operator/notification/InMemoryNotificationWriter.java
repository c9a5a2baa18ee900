package dev.herald.operator.notification;

import dev.herald.core.store.NewDelivery;
import dev.herald.core.store.NewNotification;
import dev.herald.core.store.NotificationRecord;
import dev.herald.core.store.NotificationStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Notifications and deliveries as written by acceptance, once per source as the store writes them. */
final class InMemoryNotificationWriter implements NotificationWriter {
  /** One written notification with its deliveries. */
  record Written(NotificationRecord record, NewNotification notification, List<NewDelivery> deliveries) {}

  private final Map<List<Object>, Written> bySource = new LinkedHashMap<>();

  @Override
  public NotificationStore.Accepted accept(NewNotification n, List<NewDelivery> deliveries, String requestHash) {
    List<Object> source = List.of(n.tenant(), n.source(), n.sourceRef());
    Written before = bySource.get(source);
    if (before != null) {
      return new NotificationStore.Accepted(before.record(), false);
    }
    NotificationRecord record = new NotificationRecord(UUID.randomUUID(), n.tenant(), Instant.now(), n.sendAt(),
        n.expiresAt(), null);
    bySource.put(source, new Written(record, n, List.copyOf(deliveries)));
    return new NotificationStore.Accepted(record, true);
  }

  List<Written> written() {
    return new ArrayList<>(bySource.values());
  }
}
