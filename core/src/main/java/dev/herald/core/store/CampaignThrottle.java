package dev.herald.core.store;

import static dev.herald.core.store.NotificationStore.instant;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * A throttled notification's pace ({@code notification_pacing.per_second}), kept by the relay as it
 * takes due deliveries: each delivery of the notification is booked a slot {@code 1/per_second}
 * after the one before, under the pacing row's lock, so relays on every replica share one pace. A
 * delivery whose slot has come is published; one whose slot lies ahead goes back to {@code
 * pending}, due at its slot and marked {@link DeliveryReasons#CAMPAIGN_THROTTLE}, and is published
 * without booking again when it comes due. Slots left unused while nothing was due are given up
 * after {@link #BURST}: a throttle is never exceeded by more than one burst's worth.
 */
final class CampaignThrottle {
  /** How much unused pace a notification may catch up on at once. */
  static final Duration BURST = Duration.ofSeconds(1);

  private CampaignThrottle() {}

  /** A delivery the relay took, and whether it holds a slot already. */
  record Taken(DeliveryStore.Due due, boolean booked) {}

  /**
   * Of {@code taken} (in the relay's order, already marked {@code queued} in this transaction),
   * those to publish now; the rest of the throttled ones are deferred to their slots.
   */
  static List<DeliveryStore.Due> pace(Handle h, List<Taken> taken) {
    Map<UUID, List<DeliveryStore.Due>> unbooked = new LinkedHashMap<>();
    for (Taken t : taken) {
      if (!t.booked()) {
        unbooked
            .computeIfAbsent(t.due().message().notificationId(), id -> new ArrayList<>())
            .add(t.due());
      }
    }
    if (unbooked.isEmpty()) {
      return taken.stream().map(Taken::due).toList();
    }
    List<UUID> ids = unbooked.keySet().stream().sorted(DeliveryStore.ROW_ORDER).toList();
    List<Pace> paces =
        h.createQuery(
                """
            select notification_id, per_second, now() as now,
              greatest(next_slot, now() - make_interval(secs => :burst)) as first_slot
            from notification_pacing
            where notification_id = any(:ids) and per_second is not null
            order by notification_id for update""")
            .bindArray("ids", UUID.class, ids)
            .bind("burst", (double) BURST.toSeconds())
            .map(
                (rs, ctx) ->
                    new Pace(
                        rs.getObject("notification_id", UUID.class),
                        rs.getInt("per_second"),
                        instant(rs.getObject("now", OffsetDateTime.class)),
                        instant(rs.getObject("first_slot", OffsetDateTime.class))))
            .list();
    List<DeliveryStore.Due> deferred = new ArrayList<>();
    List<Instant> slots = new ArrayList<>();
    for (Pace pace : paces) {
      List<DeliveryStore.Due> due = unbooked.get(pace.notificationId());
      long gapNanos = 1_000_000_000L / pace.perSecond();
      for (int i = 0; i < due.size(); i++) {
        Instant slot = pace.firstSlot().plusNanos(gapNanos * i);
        if (slot.isAfter(pace.now())) {
          deferred.add(due.get(i));
          slots.add(slot);
        }
      }
      h.createUpdate("update notification_pacing set next_slot = :next where notification_id = :id")
          .bind("next", NotificationStore.ts(pace.firstSlot().plusNanos(gapNanos * due.size())))
          .bind("id", pace.notificationId())
          .execute();
    }
    defer(h, deferred, slots);
    java.util.Set<UUID> later = new java.util.HashSet<>();
    deferred.forEach(d -> later.add(d.message().deliveryId()));
    return taken.stream()
        .map(Taken::due)
        .filter(d -> !later.contains(d.message().deliveryId()))
        .toList();
  }

  private static void defer(Handle h, List<DeliveryStore.Due> deferred, List<Instant> slots) {
    if (deferred.isEmpty()) {
      return;
    }
    h.createUpdate(
            """
        update deliveries d set state = 'pending', publications = d.publications - 1,
          next_attempt_at = f.slot, last_error_code = :reason, updated_at = now()
        from unnest(cast(:ids as uuid[]), cast(:createdAts as timestamptz[]), cast(:slots as timestamptz[]))
          as f(id, created_at, slot)
        where d.id = f.id and d.created_at = f.created_at
          and d.created_at = any(cast(:partitions as timestamptz[])) and d.state = 'queued'""")
        .bind("reason", DeliveryReasons.CAMPAIGN_THROTTLE)
        .bindArray("ids", UUID.class, deferred.stream().map(d -> d.message().deliveryId()).toList())
        .bindArray(
            "createdAts",
            String.class,
            deferred.stream().map(d -> d.message().createdAt().toString()).toList())
        .bindArray("slots", String.class, slots.stream().map(Instant::toString).toList())
        .bindArray(
            "partitions",
            String.class,
            deferred.stream().map(d -> d.message().createdAt().toString()).distinct().toList())
        .execute();
  }

  private record Pace(UUID notificationId, int perSecond, Instant now, Instant firstSlot) {}
}
