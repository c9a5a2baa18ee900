package dev.herald.core.store;

import dev.herald.api.DeliveryState;
import java.time.Instant;

/**
 * What became of one send attempt, recorded in a batch with others. Only a delivery in {@code
 * sending} moves, so a late or repeated outcome never moves a finished delivery backwards.
 *
 * @param state {@code sent}, {@code failed}, {@code suppressed}, or {@code pending} for a delivery
 *     that waits in Postgres until {@code nextAttemptAt}, when the relay publishes it again
 * @param attempted whether the provider was called (a delivery waiting for a provider is not)
 * @param errorCode for a waiting delivery, why it waits ({@link DeliveryReasons} or the provider's code)
 * @param nextAttemptAt for a waiting delivery, when it is due again
 */
public record Outcome(
    DeliveryKey key,
    DeliveryState state,
    boolean attempted,
    String provider,
    String providerMessageId,
    String errorCode,
    String error,
    String failureReason,
    Instant nextAttemptAt) {

  public static Outcome sent(DeliveryKey key, String provider, String providerMessageId) {
    return new Outcome(key, DeliveryState.SENT, true, provider, providerMessageId, null, null, null, null);
  }

  /**
   * Not sent now: the delivery waits in Postgres (not in the stream, where it would hold a place
   * every tenant shares) until {@code dueAt}.
   */
  public static Outcome waiting(DeliveryKey key, boolean attempted, String provider, String errorCode,
      String error, Instant dueAt) {
    return new Outcome(key, DeliveryState.PENDING, attempted, provider, null, errorCode, error, null, dueAt);
  }

  public static Outcome failed(DeliveryKey key, boolean attempted, String provider,
      String failureReason, String errorCode, String error) {
    return new Outcome(key, DeliveryState.FAILED, attempted, provider, null, errorCode, error,
        failureReason, null);
  }

  /** Not sent: the recipient opted out, or the address was suppressed, after the notification was accepted. */
  public static Outcome suppressed(DeliveryKey key, String reason) {
    return new Outcome(key, DeliveryState.SUPPRESSED, false, null, null, null, null, reason, null);
  }
}
