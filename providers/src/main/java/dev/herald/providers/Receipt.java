package dev.herald.providers;

/**
 * What a provider reports about a delivery it took, or about an address. Deliveries only move
 * forward: a receipt that comes late, or twice, changes nothing.
 */
public sealed interface Receipt {

  /**
   * Which delivery: Herald's delivery id (which e-mail providers echo) or the provider's own
   * message id. {@code mayPrecedeSend} when the id is of the provider's form, so that a receipt
   * arriving before the dispatcher recorded the send is kept for it. {@code address} is where the
   * provider says it sent, for a receipt that finds no delivery; may be null.
   */
  record Ref(String deliveryId, String providerMessageId, boolean mayPrecedeSend, String address) {
    public static Ref delivery(String deliveryId) {
      return new Ref(deliveryId, null, false, null);
    }

    public static Ref providerMessage(String messageId, boolean mayPrecedeSend, String address) {
      return new Ref(null, messageId, mayPrecedeSend, address);
    }
  }

  /** Reached the recipient's server or handset. */
  record Delivered(Ref ref) implements Receipt {}

  record Opened(Ref ref) implements Receipt {}

  record Clicked(Ref ref) implements Receipt {}

  /**
   * The provider gave up on it after accepting it, for {@code reason}; {@code optedOut} when
   * because the recipient opted out at the provider (the address is then suppressed).
   */
  record Failed(Ref ref, String reason, boolean optedOut) implements Receipt {}

  /** A hard bounce: failed as {@code bounced}, and the address suppressed. */
  record Bounced(Ref ref) implements Receipt {}

  /** The recipient reported it as spam: the address is suppressed. */
  record Complained(Ref ref) implements Receipt {}

  /** The recipient unsubscribed through the provider: opted out of its category. */
  record Unsubscribed(Ref ref) implements Receipt {}

  /** An inbound opt-out (STOP) from {@code address}. */
  record OptedOut(String address) implements Receipt {}

  /** An inbound opt-in (START) from {@code address}: lifts only the suppression an opt-out made. */
  record OptedIn(String address) implements Receipt {}
}
