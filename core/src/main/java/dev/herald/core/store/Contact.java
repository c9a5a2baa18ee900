package dev.herald.core.store;

import dev.herald.api.Channel;
import java.util.List;

/** A user of the contact store with the addresses Herald may use. */
public record Contact(
    String userId, String email, String phone, String locale, List<Device> devices) {

  /** An active device token. */
  public record Device(String platform, String token) {}

  public boolean hasAddress(Channel channel) {
    return switch (channel) {
      case EMAIL -> email != null;
      case SMS -> phone != null;
      case PUSH -> !devices.isEmpty();
    };
  }

  /**
   * This user's deliveries on a channel: one per address (per active device for push), or one
   * {@code suppressed} as {@code no_address} when there is none, so that status accounts for it.
   */
  public List<NewDelivery> deliveriesOn(Channel channel) {
    return switch (channel) {
      case EMAIL ->
          email == null
              ? List.of(NewDelivery.suppressed(userId, channel, NO_ADDRESS))
              : List.of(
                  NewDelivery.pending(
                      userId, channel, null, Addresses.normaliseEmail(email), locale));
      case SMS ->
          phone == null
              ? List.of(NewDelivery.suppressed(userId, channel, NO_ADDRESS))
              : List.of(NewDelivery.pending(userId, channel, null, phone, locale));
      case PUSH ->
          devices.isEmpty()
              ? List.of(NewDelivery.suppressed(userId, channel, NO_ADDRESS))
              : devices.stream()
                  .map(d -> NewDelivery.pending(userId, channel, d.platform(), d.token(), locale))
                  .toList();
    };
  }

  public static final String NO_ADDRESS = "no_address";
}
