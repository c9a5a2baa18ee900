package dev.herald.operator.http;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.core.store.ContactStore;
import dev.herald.core.store.DeliveryStore;
import dev.herald.core.store.DeliveryStore.ReceiptTarget;
import dev.herald.core.store.EarlyReceipts;
import dev.herald.core.store.EarlyReceipts.Result;
import dev.herald.core.store.Preference;
import dev.herald.operator.notification.PreferenceCache;
import dev.herald.providers.SmsKeywords;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What provider receipts and unsubscribes do to deliveries, suppressions and preferences. Delivery
 * states only move forward (conditional updates), so a late or repeated receipt changes nothing. A
 * receipt that comes before its delivery is recorded as sent is kept and applied when it is ({@link
 * EarlyReceipts}).
 */
final class Receipts {
  static final String BOUNCED = "bounced";
  private static final Set<DeliveryState> ACCEPTED = EnumSet.of(DeliveryState.SENT);
  private static final Set<DeliveryState> REACHED =
      EnumSet.of(DeliveryState.SENT, DeliveryState.DELIVERED);
  private static final Set<DeliveryState> SHOWN =
      EnumSet.of(DeliveryState.SENT, DeliveryState.DELIVERED, DeliveryState.OPENED);

  private final DeliveryStore deliveries;
  private final EarlyReceipts early;
  private final ContactStore contacts;
  private final PreferenceCache preferences;

  Receipts(
      DeliveryStore deliveries,
      EarlyReceipts early,
      ContactStore contacts,
      PreferenceCache preferences) {
    this.deliveries = deliveries;
    this.early = early;
    this.contacts = contacts;
    this.preferences = preferences;
  }

  Optional<ReceiptTarget> byId(String tenant, String deliveryId) {
    return deliveryId == null
        ? Optional.empty()
        : deliveries.receiptTarget(tenant, false, deliveryId);
  }

  Optional<ReceiptTarget> byProviderMessageId(String tenant, String messageId) {
    return messageId == null ? Optional.empty() : deliveries.receiptTarget(tenant, true, messageId);
  }

  Result delivered(String tenant, ReceiptTarget t) {
    return early.advanceOrKeep(tenant, t.id(), ACCEPTED, DeliveryState.DELIVERED, null);
  }

  Result opened(String tenant, ReceiptTarget t) {
    return early.advanceOrKeep(tenant, t.id(), REACHED, DeliveryState.OPENED, null);
  }

  Result clicked(String tenant, ReceiptTarget t) {
    return early.advanceOrKeep(tenant, t.id(), SHOWN, DeliveryState.CLICKED, null);
  }

  /** The provider gave up on it after accepting it: {@code failed} with the reason. */
  Result failed(String tenant, ReceiptTarget t, String reason) {
    return early.advanceOrKeep(tenant, t.id(), REACHED, DeliveryState.FAILED, reason);
  }

  /** A hard bounce: the delivery failed as {@code bounced}, and the address is suppressed. */
  Result bounced(String tenant, ReceiptTarget t) {
    contacts.suppress(tenant, t.channel(), t.address(), "bounce");
    return failed(tenant, t, BOUNCED);
  }

  /**
   * A receipt for a provider message id no delivery of the tenant carries (yet): kept, because the
   * dispatcher may not have recorded the send the provider already reports on.
   */
  Result beforeItsSend(
      String tenant, String messageId, Channel channel, DeliveryState to, String reason) {
    return early.keepForMessage(tenant, messageId, channel, to, reason);
  }

  void suppress(String tenant, Channel channel, String address, String reason) {
    contacts.suppress(tenant, channel, address, reason);
  }

  /** An inbound START lifts the suppression a STOP made (not a bounce or a manual one). */
  void unsuppress(String tenant, Channel channel, String address) {
    contacts.unsuppress(tenant, channel, address, SmsKeywords.STOP_REASON);
  }

  /**
   * The recipient asked to receive no more of this: a user opts out of the notification's category
   * on that channel; a raw address is suppressed.
   */
  void unsubscribe(String tenant, ReceiptTarget t) {
    if (t.userId() != null
        && contacts.setPreference(
            tenant, t.userId(), new Preference(t.channel().wireName(), t.category(), false))) {
      preferences.invalidate(tenant, t.userId());
    } else if (!t.address().startsWith("erased:")) {
      contacts.suppress(tenant, t.channel(), t.address(), "unsubscribe");
    }
  }
}
