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

  private DeliveryReasons() {}
}
