package dev.herald.dispatcher.provider;

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

  /** Will never succeed as it is (bad request, invalid address, payload too large). */
  record Permanent(String code, String message) implements SendResult {}
}
