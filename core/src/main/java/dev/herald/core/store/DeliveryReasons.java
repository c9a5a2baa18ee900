package dev.herald.core.store;

/**
 * Why a delivery was suppressed or failed without a provider's say, and why an address was
 * suppressed: one vocabulary for the operator's fan-out, the dispatcher and the API.
 */
public final class DeliveryReasons {
  /** The user opted out of the channel for the category (or of everything). */
  public static final String OPTED_OUT = "opted_out";

  /** The address or device token is malformed, unknown or was rejected as invalid. */
  public static final String INVALID_ADDRESS = "invalid_address";

  /** The push token is no longer a registered, active device. */
  public static final String DEVICE_INACTIVE = "device_inactive";

  /** Waits: no provider of the channel is Ready in the namespace. */
  public static final String NO_PROVIDER = "no_provider";

  /** Waits: every provider of the channel has an open circuit. */
  public static final String CIRCUIT_OPEN = "circuit_open";

  /** Waits: the provider's rateLimit or maxConcurrency has no room now. */
  public static final String THROTTLED = "throttled";

  /**
   * Failed: handling the delivery kept failing outside the provider (a bug, or data that breaks
   * it).
   */
  public static final String INTERNAL_ERROR = "internal_error";

  /** Failed: the provider kept answering with errors worth retrying until the attempts ran out. */
  public static final String EXHAUSTED = "exhausted";

  /**
   * Waits: the delivery's slot in its Campaign run's {@code throttle} lies ahead; due at its slot.
   */
  public static final String CAMPAIGN_THROTTLE = "campaign_throttle";

  /**
   * Suppressed: the user has had the Campaign's {@code frequencyCap} of sends in its category
   * within the window.
   */
  public static final String FREQUENCY_CAP = "frequency_cap";

  private DeliveryReasons() {}
}
