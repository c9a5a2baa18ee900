package dev.herald.api;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The life of one delivery (one recipient × channel × address). Postgres holds the state; every
 * transition is a conditional update from the states listed in {@link #from()}.
 */
public enum DeliveryState {
  /** Written, not yet accepted by the stream. */
  PENDING,
  /** In the stream, waiting for a dispatcher. */
  QUEUED,
  /** Claimed by a dispatcher; the provider may be called. */
  SENDING,
  /** Accepted by the provider. */
  SENT,
  /** The provider reported delivery. */
  DELIVERED,
  OPENED,
  CLICKED,
  /** Terminal failure: permanent error, retries exhausted or expired. */
  FAILED,
  /** Not sent on purpose: opted out, suppressed address, no address. */
  SUPPRESSED,
  /** Cancelled before it was sent. */
  CANCELLED;

  public static final Set<DeliveryState> IN_FLIGHT = EnumSet.of(PENDING, QUEUED, SENDING);
  public static final Set<DeliveryState> REACHED_PROVIDER =
      EnumSet.of(SENT, DELIVERED, OPENED, CLICKED);

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DeliveryState fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  public boolean isTerminal() {
    return !IN_FLIGHT.contains(this);
  }
}
