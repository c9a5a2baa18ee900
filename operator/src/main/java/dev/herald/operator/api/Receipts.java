package dev.herald.operator.api;

import dev.herald.api.Channel;
import dev.herald.api.DeliveryState;
import dev.herald.core.store.ContactStore;
import dev.herald.core.store.DeliveryStore;
import dev.herald.core.store.DeliveryStore.ReceiptTarget;
import dev.herald.core.store.EarlyReceipts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.herald.core.store.Preference;
import dev.herald.operator.notification.PreferenceCache;
import java.util.Optional;

/**
 * What provider receipts and unsubscribes do to deliveries, suppressions and preferences. Delivery
 * states only move forward (conditional updates), so a late or repeated receipt changes nothing. A
 * receipt about a delivery whose outcome is not recorded yet (still {@code sending}, or a provider
 * message id not stored yet) is kept and applied when the outcome lands.
 */
final class Receipts {
  private static final Logger LOG = LoggerFactory.getLogger(Receipts.class);
  static final String BOUNCED = "bounced";

  private final DeliveryStore deliveries;
  private final EarlyReceipts early;
  private final ContactStore contacts;
  private final PreferenceCache preferences;

  Receipts(DeliveryStore deliveries, EarlyReceipts early, ContactStore contacts, PreferenceCache preferences) {
    this.deliveries = deliveries;
    this.early = early;
    this.contacts = contacts;
    this.preferences = preferences;
  }

  Optional<ReceiptTarget> byId(String tenant, String deliveryId) {
    return deliveryId == null ? Optional.empty() : deliveries.receiptTarget(tenant, false, deliveryId);
  }

  Optional<ReceiptTarget> byProviderMessageId(String tenant, String messageId) {
    return messageId == null ? Optional.empty() : deliveries.receiptTarget(tenant, true, messageId);
  }

  void delivered(String tenant, ReceiptTarget t) {
    move(tenant, t, DeliveryState.DELIVERED, null, null);
  }

  void opened(String tenant, ReceiptTarget t) {
    move(tenant, t, DeliveryState.OPENED, null, null);
  }

  void clicked(String tenant, ReceiptTarget t) {
    move(tenant, t, DeliveryState.CLICKED, null, null);
  }

  /** The provider gave up on it after accepting it: {@code failed} with the reason. */
  void failed(String tenant, ReceiptTarget t, String reason) {
    move(tenant, t, DeliveryState.FAILED, reason, null);
  }

  /** A hard bounce: the delivery failed as {@code bounced}, and the address is suppressed. */
  void bounced(String tenant, ReceiptTarget t) {
    failed(tenant, t, BOUNCED);
    contacts.suppress(tenant, t.channel(), t.address(), "bounce");
  }

  /**
   * A receipt for a provider message id that no delivery has yet: its send may not be recorded yet,
   * so it is kept (a day at most) and applied if one gets that id.
   */
  void early(String tenant, String providerMessageId, DeliveryState to, String failureReason, String suppressReason) {
    if (!early.keep(tenant, EarlyReceipts.Key.PROVIDER_MESSAGE, providerMessageId, to, failureReason, suppressReason)) {
      LOG.warn("{}: too many receipts wait for sends not recorded yet; one for a provider message was dropped", tenant);
    }
  }

  private void move(String tenant, ReceiptTarget t, DeliveryState to, String failureReason, String suppressReason) {
    if (deliveries.advance(t.id(), EarlyReceipts.movesFrom(to), to, failureReason) || t.state().isTerminal()) {
      return;
    }
    // Not sent yet as far as Herald knows: the provider answered before the outcome was recorded.
    if (!early.keep(tenant, EarlyReceipts.Key.DELIVERY, t.id().toString(), to, failureReason, suppressReason)) {
      LOG.warn("{}: too many receipts wait for sends not recorded yet; one for delivery {} was dropped", tenant, t.id());
    }
  }

  void suppress(String tenant, Channel channel, String address, String reason) {
    contacts.suppress(tenant, channel, address, reason);
  }

  /** An SMS START lifts the suppression a STOP made (not a bounce or a manual one). */
  void unsuppress(String tenant, String phone) {
    contacts.unsuppress(tenant, Channel.SMS, phone, WebhookRoutes.STOP_REASON);
  }

  /**
   * The recipient asked to receive no more of this: a user opts out of the notification's category
   * on that channel; a raw address is suppressed.
   */
  void unsubscribe(String tenant, ReceiptTarget t) {
    if (t.userId() != null && contacts.setPreference(tenant, t.userId(),
        new Preference(t.channel().wireName(), t.category(), false))) {
      preferences.invalidate(tenant, t.userId());
    } else if (!t.address().startsWith("erased:")) {
      contacts.suppress(tenant, t.channel(), t.address(), "unsubscribe");
    }
  }
}
