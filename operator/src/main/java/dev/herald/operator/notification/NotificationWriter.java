package dev.herald.operator.notification;

import dev.herald.core.store.NewDelivery;
import dev.herald.core.store.NewNotification;
import dev.herald.core.store.NotificationStore;
import java.util.List;

/**
 * Where an accepted notification and its deliveries are written, in one transaction, at most once
 * per source ({@link NotificationStore#accept(NewNotification, List, String)}).
 */
@FunctionalInterface
public interface NotificationWriter {
  NotificationStore.Accepted accept(
      NewNotification notification, List<NewDelivery> deliveries, String requestHash);
}
