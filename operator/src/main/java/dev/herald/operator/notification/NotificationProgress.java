package dev.herald.operator.notification;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.api.notification.NotificationPhase;
import dev.herald.api.notification.NotificationStatus;
import dev.herald.core.store.DeliveryCounts;
import dev.herald.core.store.NotificationRecord;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Computes an accepted Notification's phase, counts and {@code Complete} condition from its
 * deliveries.
 */
final class NotificationProgress {
  private NotificationProgress() {}

  static void apply(
      NotificationStatus status,
      NotificationRecord record,
      DeliveryCounts counts,
      Iterable<Channel> channels,
      Instant now) {
    long total = counts.total();
    long sent = counts.count(DeliveryState.REACHED_PROVIDER);
    long failed = counts.count(DeliveryState.FAILED);
    long suppressed = counts.count(DeliveryState.SUPPRESSED);
    long cancelled = counts.count(DeliveryState.CANCELLED);
    long inFlight = counts.count(DeliveryState.IN_FLIGHT);
    status.setTotal(total);
    status.setSent(sent);
    status.setFailed(failed);
    status.setSuppressed(suppressed);
    status.setCancelled(cancelled);
    status.setInFlight(inFlight);

    // Every state of every channel, zeros included: status is merge-patched, and a count that
    // dropped to zero must not keep its old value.
    Map<String, Map<String, Long>> perChannel = new TreeMap<>();
    for (Channel channel : channels) {
      Map<String, Long> perState = new TreeMap<>();
      Map<DeliveryState, Long> stored = counts.byChannel().getOrDefault(channel, Map.of());
      for (DeliveryState state : DeliveryState.values()) {
        perState.put(state.wireName(), stored.getOrDefault(state, 0L));
      }
      perChannel.put(channel.wireName(), perState);
    }
    status.setChannels(perChannel);

    boolean wasFinished = status.getPhase() != null && status.getPhase().isFinished();
    NotificationPhase phase = phase(record, total, sent, failed, cancelled, inFlight, now);
    status.setPhase(phase);
    if (phase.isFinished()) {
      // Finished again after its dead letters were requeued: it completed now, not then.
      if (status.getCompletionTime() == null || !wasFinished) {
        status.setCompletionTime(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
      }
      status.setCondition(
          NotificationStatus.COMPLETE,
          true,
          phase.name(),
          String.format(
              "%d of %d sent, %d failed, %d suppressed, %d cancelled",
              sent, total, failed, suppressed, cancelled));
    } else {
      status.setCompletionTime(null);
      status.setCondition(
          NotificationStatus.COMPLETE,
          false,
          phase.name(),
          String.format("%d of %d deliveries still in flight", inFlight, total));
    }
  }

  static NotificationPhase phase(
      NotificationRecord record,
      long total,
      long sent,
      long failed,
      long cancelled,
      long inFlight,
      Instant now) {
    if (inFlight > 0) {
      boolean scheduled =
          record.sendAt() != null && record.sendAt().isAfter(now) && sent == 0 && failed == 0;
      return scheduled ? NotificationPhase.Scheduled : NotificationPhase.Dispatching;
    }
    if (record.cancelledAt() != null && cancelled > 0) {
      return NotificationPhase.Cancelled;
    }
    if (failed == 0) {
      return NotificationPhase.Completed;
    }
    return sent == 0 ? NotificationPhase.Failed : NotificationPhase.PartiallyFailed;
  }
}
