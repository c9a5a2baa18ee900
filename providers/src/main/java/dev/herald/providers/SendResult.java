package dev.herald.providers;

import java.time.Duration;

/** What a provider said to one send. */
public sealed interface SendResult {

  /** Accepted; {@code providerMessageId} ties receipts back to the delivery. */
  record Accepted(String providerMessageId) implements SendResult {}

  /**
   * Worth trying again (rate limit, outage, timeout). {@code retryAfter} is the provider's own
   * hint, or {@code null} to use Herald's backoff.
   */
  record Retry(String code, String message, Duration retryAfter) implements SendResult {}

  /**
   * Will never succeed as it is (bad request, invalid address, payload too large). {@code address}
   * says what it means for the address itself, beyond this delivery.
   */
  record Permanent(String code, String message, AddressVerdict address) implements SendResult {
    public Permanent(String code, String message) {
      this(code, message, AddressVerdict.UNCHANGED);
    }
  }

  /** What a permanent failure says about the address. */
  enum AddressVerdict {
    /** Nothing: the request was at fault, not the address. */
    UNCHANGED,
    /**
     * The address or device token is invalid or gone: deactivate the device, suppress the address.
     */
    INVALID,
    /** The recipient opted out at the provider (for example replied STOP): suppress the address. */
    OPTED_OUT
  }
}
