package dev.herald.dispatcher.consumer;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter between half and all of the step, so that a provider outage
 * is not followed by every retry at the same instant. A provider's own Retry-After wins when it
 * asks for longer.
 */
public record Backoff(Duration base, Duration max) {

  /** The delay after {@code attempt} failed attempts (1 for the first). */
  public Duration delay(int attempt, Duration retryAfter) {
    long baseMillis = base.toMillis();
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    long step = Math.min(max.toMillis(), baseMillis << shift);
    long jittered = step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
    Duration computed = Duration.ofMillis(jittered);
    if (retryAfter != null && retryAfter.compareTo(computed) > 0) {
      return retryAfter.compareTo(max) > 0 ? max : retryAfter;
    }
    return computed;
  }
}
