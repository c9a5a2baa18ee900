package dev.herald.core.store;

import dev.herald.api.DeliveryState;
import java.time.Instant;

/**
 * What became of one send attempt, recorded in a batch with others. Only a delivery in {@code
 * sending} moves, so a late or repeated outcome never moves a finished delivery backwards. Built by
 * its factories only, one per case, so that no caller assembles flags and reasons by position.
 *
 * <p>{@link #state()} is {@code sent}, {@code failed}, {@code suppressed}, or {@code pending} for a
 * delivery that waits in Postgres until {@link #nextAttemptAt()}, when the relay publishes it
 * again; {@link #attempted()} says whether the try counts against {@code HERALD_MAX_ATTEMPTS} (a
 * provider call, or handling that failed outside it), which a wait for a provider does not.
 */
public final class Outcome {
  /** Why a delivery failed for good, as {@code failure_reason} stores it. */
  public enum Failure {
    /** The provider refused it, or it can never be sent as it is. */
    PERMANENT("permanent"),
    /** Every attempt the provider answered with an error worth retrying. */
    EXHAUSTED(DeliveryReasons.EXHAUSTED),
    /** Not sent before the notification expired. */
    EXPIRED("expired"),
    /** Handling it kept failing outside the provider. */
    INTERNAL_ERROR(DeliveryReasons.INTERNAL_ERROR);

    private final String stored;

    Failure(String stored) {
      this.stored = stored;
    }

    public String stored() {
      return stored;
    }
  }

  /** Why a delivery waits without a provider call. */
  public enum Wait {
    NO_PROVIDER(DeliveryReasons.NO_PROVIDER),
    CIRCUIT_OPEN(DeliveryReasons.CIRCUIT_OPEN),
    THROTTLED(DeliveryReasons.THROTTLED);

    private final String code;

    Wait(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  private final DeliveryKey key;
  private final DeliveryState state;
  private final boolean attempted;
  private final String provider;
  private final String providerMessageId;
  private final String errorCode;
  private final String error;
  private final String failureReason;
  private final Instant nextAttemptAt;

  private Outcome(
      DeliveryKey key,
      DeliveryState state,
      boolean attempted,
      String provider,
      String providerMessageId,
      String errorCode,
      String error,
      String failureReason,
      Instant nextAttemptAt) {
    this.key = key;
    this.state = state;
    this.attempted = attempted;
    this.provider = provider;
    this.providerMessageId = providerMessageId;
    this.errorCode = errorCode;
    this.error = error;
    this.failureReason = failureReason;
    this.nextAttemptAt = nextAttemptAt;
  }

  /** The provider took it. */
  public static Outcome sent(DeliveryKey key, String provider, String providerMessageId) {
    return new Outcome(
        key, DeliveryState.SENT, true, provider, providerMessageId, null, null, null, null);
  }

  /** The provider refused it for good ({@code errorCode} is its code). */
  public static Outcome refused(DeliveryKey key, String provider, String errorCode, String error) {
    return failed(key, true, provider, Failure.PERMANENT, errorCode, error);
  }

  /** The provider's last answer was worth retrying, but the attempts ran out. */
  public static Outcome exhausted(
      DeliveryKey key, String provider, String errorCode, String error) {
    return failed(key, true, provider, Failure.EXHAUSTED, errorCode, error);
  }

  /** The provider's answer is worth retrying: again at {@code dueAt}, an attempt spent. */
  public static Outcome retryLater(
      DeliveryKey key, String provider, String errorCode, String error, Instant dueAt) {
    return new Outcome(
        key, DeliveryState.PENDING, true, provider, null, errorCode, error, null, dueAt);
  }

  /** Handling failed outside the provider: again at {@code dueAt}, an attempt spent. */
  public static Outcome retryAfterInternalError(DeliveryKey key, String error, Instant dueAt) {
    return new Outcome(
        key,
        DeliveryState.PENDING,
        true,
        null,
        null,
        DeliveryReasons.INTERNAL_ERROR,
        error,
        null,
        dueAt);
  }

  /** Handling kept failing outside the provider until the attempts ran out. */
  public static Outcome internalError(DeliveryKey key, String error) {
    return failed(key, true, null, Failure.INTERNAL_ERROR, DeliveryReasons.INTERNAL_ERROR, error);
  }

  /** Not sent before {@code expiresAt}. */
  public static Outcome expired(DeliveryKey key, Instant expiresAt) {
    return failed(key, false, null, Failure.EXPIRED, "expired", "not sent before " + expiresAt);
  }

  /**
   * It can never be sent as it is ({@code errorCode}: notification_missing, render_error, …); no
   * provider was called.
   */
  public static Outcome unsendable(DeliveryKey key, String errorCode, String error) {
    return failed(key, false, null, Failure.PERMANENT, errorCode, error);
  }

  /**
   * Not sent now, and no attempt spent: the delivery waits in Postgres (not in the stream, where it
   * would hold a place every tenant shares) until {@code dueAt}. {@code provider} is the one whose
   * limit it waits for, if any.
   */
  public static Outcome waiting(
      DeliveryKey key, Wait why, String provider, String detail, Instant dueAt) {
    return new Outcome(
        key, DeliveryState.PENDING, false, provider, null, why.code(), detail, null, dueAt);
  }

  /**
   * Not sent: the recipient opted out, or the address was suppressed, after the notification was
   * accepted.
   */
  public static Outcome suppressed(DeliveryKey key, String reason) {
    return new Outcome(key, DeliveryState.SUPPRESSED, false, null, null, null, null, reason, null);
  }

  private static Outcome failed(
      DeliveryKey key,
      boolean attempted,
      String provider,
      Failure failure,
      String errorCode,
      String error) {
    return new Outcome(
        key,
        DeliveryState.FAILED,
        attempted,
        provider,
        null,
        errorCode,
        error,
        failure.stored(),
        null);
  }

  public DeliveryKey key() {
    return key;
  }

  public DeliveryState state() {
    return state;
  }

  public boolean attempted() {
    return attempted;
  }

  public String provider() {
    return provider;
  }

  public String providerMessageId() {
    return providerMessageId;
  }

  /**
   * For a waiting delivery, why it waits ({@link Wait} or the provider's code); for a failed one,
   * the code.
   */
  public String errorCode() {
    return errorCode;
  }

  public String error() {
    return error;
  }

  public String failureReason() {
    return failureReason;
  }

  public Instant nextAttemptAt() {
    return nextAttemptAt;
  }

  @Override
  public String toString() {
    return "Outcome["
        + key
        + ", "
        + state.wireName()
        + (failureReason == null ? "" : " " + failureReason)
        + (errorCode == null ? "" : " " + errorCode)
        + "]";
  }
}
