package dev.herald.core.store;

import dev.herald.api.Channel;
import dev.herald.core.template.TemplateVariables;
import dev.herald.core.webpush.WebPushKeys;
import java.util.List;
import java.util.Optional;

/**
 * A delivery a dispatcher has just claimed for sending, with the recipient's consent as it stands
 * now. Preferences, suppressions and devices may have changed since the notification was accepted
 * (a scheduled send, a backlog, another replica's cache), so they are read again in the claim.
 *
 * @param attempts sends attempted so far
 * @param suppression why the address is suppressed now, or null when it is not
 * @param deviceActive for push, whether the device token is still registered and active
 * @param preferences the user's preferences now (none for a raw address)
 * @param publications how many times the delivery has been published (it is published again after
 *     each wait in Postgres), which lengthens a wait that keeps coming back
 * @param webPushKeys for a Web Push subscription, its keys as registered now; null otherwise
 * @param user the user's attributes, locale and time zone now, which the template renders with;
 *     null for a raw address (or a user no longer in the contact store)
 */
public record Claim(
    int attempts,
    String suppression,
    boolean deviceActive,
    List<Preference> preferences,
    int publications,
    WebPushKeys webPushKeys,
    TemplateVariables.User user)
    implements ClaimAnswer {
  public Claim {
    preferences = List.copyOf(preferences);
  }

  /** A claim of a delivery to no user of the contact store. */
  public Claim(
      int attempts,
      String suppression,
      boolean deviceActive,
      List<Preference> preferences,
      int publications,
      WebPushKeys webPushKeys) {
    this(attempts, suppression, deviceActive, preferences, publications, webPushKeys, null);
  }

  /**
   * Why this delivery must not go out now, if it must not: a suppressed address or an inactive
   * device always stops it; an opt-out does unless the template is critical, as at acceptance.
   */
  public Optional<String> blockedBecause(Channel channel, String category, boolean critical) {
    if (suppression != null) {
      return Optional.of(suppression);
    }
    if (channel == Channel.PUSH && !deviceActive) {
      return Optional.of(DeliveryReasons.DEVICE_INACTIVE);
    }
    if (!critical && ContactStore.optedOut(preferences, channel, category)) {
      return Optional.of(DeliveryReasons.OPTED_OUT);
    }
    return Optional.empty();
  }
}
