package dev.herald.operator.notification;

import dev.herald.core.store.DeliveryCounts;
import dev.herald.core.store.NotificationRecord;
import dev.herald.core.store.NotificationStore;
import dev.herald.core.store.Source;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the Notification reconciler reads of accepted notifications to report their progress, and
 * the cancel it writes when one is deleted ({@link NotificationStore} in production).
 */
public interface StoredNotifications {

  Optional<NotificationRecord> findBySource(String tenant, Source source, String sourceRef);

  Optional<NotificationStore.Pruned> pruned(String tenant, Source source, String sourceRef);

  void forgetPruned(String tenant, Source source, String sourceRef);

  DeliveryCounts counts(NotificationRecord notification);

  /** Deliveries waiting in the store, by what they wait for. */
  Map<String, Long> waiting(NotificationRecord notification);

  NotificationStore.Cancellation cancel(NotificationRecord notification);

  List<NotificationStore.RequeuedNotification> requeuedSince(Instant since);

  static StoredNotifications of(NotificationStore store) {
    return new StoredNotifications() {
      @Override
      public Optional<NotificationRecord> findBySource(
          String tenant, Source source, String sourceRef) {
        return store.findBySource(tenant, source, sourceRef);
      }

      @Override
      public Optional<NotificationStore.Pruned> pruned(
          String tenant, Source source, String sourceRef) {
        return store.pruned(tenant, source, sourceRef);
      }

      @Override
      public void forgetPruned(String tenant, Source source, String sourceRef) {
        store.forgetPruned(tenant, source, sourceRef);
      }

      @Override
      public DeliveryCounts counts(NotificationRecord notification) {
        return store.counts(notification);
      }

      @Override
      public Map<String, Long> waiting(NotificationRecord notification) {
        return store.waiting(notification);
      }

      @Override
      public NotificationStore.Cancellation cancel(NotificationRecord notification) {
        return store.cancel(notification);
      }

      @Override
      public List<NotificationStore.RequeuedNotification> requeuedSince(Instant since) {
        return store.requeuedSince(since);
      }
    };
  }
}
