package dev.herald.testkit.webpush;

import java.time.Duration;

/**
 * An answer scripted for the next push, whatever it carries: a status with an optional {@code
 * Retry-After}, a redirect, or an answer cut short.
 */
public sealed interface WebPushAnswer {
  record Status(int status, Duration retryAfter) implements WebPushAnswer {}

  /** A 307 to {@code location}; a sender that followed it would show up at that address. */
  record Redirect(String location) implements WebPushAnswer {}

  /**
   * Headers of a 201 and then a dropped connection, or a 200 with an HTML body: answers a proxy in
   * the way may give.
   */
  record Garbled(boolean truncated) implements WebPushAnswer {}

  static WebPushAnswer status(int status) {
    return new Status(status, null);
  }
}
