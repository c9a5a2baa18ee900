package dev.herald.core.store;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;

/**
 * One recipient × channel × address of a notification about to be written. Most start {@code
 * pending}; one known to be undeliverable starts {@code suppressed} with its reason, so that it
 * counts in status.
 */
public record NewDelivery(
    String userId,
    Channel channel,
    String platform,
    String address,
    String locale,
    DeliveryState state,
    String failureReason) {

  public static NewDelivery pending(
      String userId, Channel channel, String platform, String address, String locale) {
    return new NewDelivery(userId, channel, platform, address, locale, DeliveryState.PENDING, null);
  }

  public static NewDelivery suppressed(String userId, Channel channel, String reason) {
    return new NewDelivery(userId, channel, null, "", null, DeliveryState.SUPPRESSED, reason);
  }
}
