package dev.herald.core.store;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/** How many deliveries of a notification are in each state, per channel. */
public record DeliveryCounts(Map<Channel, Map<DeliveryState, Long>> byChannel) {

  public long total() {
    return sum(null);
  }

  public long count(DeliveryState state) {
    return sum(Set.of(state));
  }

  public long count(Set<DeliveryState> states) {
    return sum(states);
  }

  private long sum(Set<DeliveryState> states) {
    long n = 0;
    for (Map<DeliveryState, Long> perState : byChannel.values()) {
      for (var e : perState.entrySet()) {
        if (states == null || states.contains(e.getKey())) {
          n += e.getValue();
        }
      }
    }
    return n;
  }

  public static DeliveryCounts empty() {
    return new DeliveryCounts(new EnumMap<>(Channel.class));
  }
}
