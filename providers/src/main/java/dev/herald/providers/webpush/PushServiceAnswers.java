package dev.herald.providers.webpush;

import dev.herald.providers.ProviderCodeTable;
import dev.herald.providers.ProviderCodeTable.Meaning;

/**
 * What a push service's HTTP status means (RFC 8030 §5–8, and what FCM, Mozilla autopush, Apple and
 * WNS answer): 404 and 410 say the subscription is gone (the device is deactivated, as FCM's
 * UNREGISTERED); 413 that the payload is too large; 400 that the request is malformed. 401 and 403
 * (a VAPID credential refused) and 429/5xx are retried, as for every provider ({@link
 * ProviderCodeTable#byHttpStatus}).
 */
final class PushServiceAnswers {
  static final ProviderCodeTable<Integer> BY_STATUS =
      ProviderCodeTable.<Integer>builder()
          .with(Meaning.INVALID_ADDRESS, 404, 410)
          .with(Meaning.PERMANENT, 400, 413)
          .build();

  private PushServiceAnswers() {}

  static Meaning meaning(int status) {
    return BY_STATUS.meaning(status, ProviderCodeTable.byHttpStatus(status));
  }

  /** The code a delivery records for an answer. */
  static String code(int status) {
    return switch (status) {
      case 404, 410 -> "subscription_gone";
      case 413 -> "payload_too_large";
      case 429 -> "too_many_requests";
      default -> "http_" + status;
    };
  }
}
