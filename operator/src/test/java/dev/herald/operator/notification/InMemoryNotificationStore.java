package dev.herald.operator.notification;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.core.store.DeliveryCounts;
import dev.herald.core.store.NewDelivery;
import dev.herald.core.store.NewNotification;
import dev.herald.core.store.NotificationRecord;
import dev.herald.core.store.NotificationStore;
import dev.herald.core.store.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Notifications as acceptance writes them (once per source) and as the reconciler reads their
 * progress, in memory; a test moves deliveries on as dispatchers would.
 */
final class InMemoryNotificationStore implements NotificationWriter, StoredNotifications {
  /** One written notification, its deliveries as written, and the state each is in now. */
  static final class Written {
    NotificationRecord record;
    final NewNotification notification;
    final List<NewDelivery> deliveries;
    final List<DeliveryState> states = new ArrayList<>();
    Map<String, Long> waiting = Map.of();

    Written(NotificationRecord record, NewNotification notification, List<NewDelivery> deliveries) {
      this.record = record;
      this.notification = notification;
      this.deliveries = List.copyOf(deliveries);
      deliveries.forEach(d -> states.add(d.state()));
    }

    NewNotification notification() {
      return notification;
    }

    List<NewDelivery> deliveries() {
      return deliveries;
    }

    /** Every delivery of the channel still in {@code from} is now in {@code to}. */
    void move(Channel channel, DeliveryState from, DeliveryState to) {
      for (int i = 0; i < deliveries.size(); i++) {
        if (deliveries.get(i).channel() == channel && states.get(i) == from) {
          states.set(i, to);
        }
      }
    }
  }

  private final Map<List<Object>, Written> bySource = new LinkedHashMap<>();
  private final Map<List<Object>, NotificationStore.Pruned> pruned = new HashMap<>();

  @Override
  public NotificationStore.Accepted accept(
      NewNotification n, List<NewDelivery> deliveries, String requestHash) {
    List<Object> source = List.of(n.tenant(), n.source(), n.sourceRef());
    Written before = bySource.get(source);
    if (before != null) {
      return new NotificationStore.Accepted(before.record, false);
    }
    NotificationRecord record =
        new NotificationRecord(
            java.util.UUID.randomUUID(),
            n.tenant(),
            Instant.now(),
            n.sendAt(),
            n.expiresAt(),
            null);
    bySource.put(source, new Written(record, n, deliveries));
    return new NotificationStore.Accepted(record, true);
  }

  List<Written> written() {
    return new ArrayList<>(bySource.values());
  }

  private Written of(NotificationRecord n) {
    return bySource.values().stream()
        .filter(w -> w.record.id().equals(n.id()))
        .findFirst()
        .orElseThrow();
  }

  @Override
  public Optional<NotificationRecord> findBySource(String tenant, Source source, String sourceRef) {
    return Optional.ofNullable(bySource.get(List.of(tenant, source, sourceRef))).map(w -> w.record);
  }

  @Override
  public Optional<NotificationStore.Pruned> pruned(String tenant, Source source, String sourceRef) {
    return Optional.ofNullable(pruned.get(List.of(tenant, source, sourceRef)));
  }

  @Override
  public void forgetPruned(String tenant, Source source, String sourceRef) {
    pruned.remove(List.of(tenant, source, sourceRef));
  }

  @Override
  public DeliveryCounts counts(NotificationRecord n) {
    Written w = of(n);
    Map<Channel, Map<DeliveryState, Long>> counts = new EnumMap<>(Channel.class);
    for (int i = 0; i < w.deliveries.size(); i++) {
      counts
          .computeIfAbsent(w.deliveries.get(i).channel(), c -> new EnumMap<>(DeliveryState.class))
          .merge(w.states.get(i), 1L, Long::sum);
    }
    return new DeliveryCounts(counts);
  }

  @Override
  public Map<String, Long> waiting(NotificationRecord n) {
    return of(n).waiting;
  }

  @Override
  public NotificationStore.Cancellation cancel(NotificationRecord n) {
    Written w = of(n);
    int cancelled = 0;
    for (int i = 0; i < w.states.size(); i++) {
      if (!w.states.get(i).isTerminal()) {
        w.states.set(i, DeliveryState.CANCELLED);
        cancelled++;
      }
    }
    w.record =
        new NotificationRecord(
            n.id(), n.tenant(), n.createdAt(), n.sendAt(), n.expiresAt(), Instant.now());
    return new NotificationStore.Cancellation(cancelled, 0);
  }

  @Override
  public List<NotificationStore.RequeuedNotification> requeuedSince(Instant since) {
    return List.of();
  }
}
