package dev.herald.core.store;

import dev.herald.api.DeliveryState;
import java.time.Instant;

/**
 * What became of one send attempt, recorded in a batch with others. Only a delivery in {@code
 * sending} moves, so a late or repeated outcome never moves a finished delivery backwards.
 *
 * @param state {@code sent}, {@code failed}, {@code suppressed}, or {@code queued} for a retry
 * @param attempted whether the provider was called (a delivery waiting for a provider is not)
 * @param nextAttemptAt for a retry, when it is due again
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

  public static Outcome retry(DeliveryKey key, boolean attempted, String provider, String errorCode,
      String error, Instant nextAttemptAt) {
    return new Outcome(key, DeliveryState.QUEUED, attempted, provider, null, errorCode, error, null,
        nextAttemptAt);
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
