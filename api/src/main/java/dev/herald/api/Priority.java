package dev.herald.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Delivery lanes. Dispatchers always drain {@code HIGH} before {@code NORMAL} before {@code BULK},
 * so a one-time password never waits behind a campaign.
 */
public enum Priority {
  HIGH,
  NORMAL,
  BULK;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  @JsonCreator
  public static Priority fromWire(String value) {
    for (Priority p : values()) {
      if (p.wireName().equals(value)) {
        return p;
      }
    }
    return null;
  }
}
