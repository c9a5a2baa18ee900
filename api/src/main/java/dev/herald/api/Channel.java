package dev.herald.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The ways a notification reaches a person. Push covers iOS (APNs), Android and web (FCM). */
public enum Channel {
  EMAIL,
  SMS,
  PUSH;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Parses a wire name; unknown names give {@code null} so that validation can name them. */
  @JsonCreator
  public static Channel fromWire(String value) {
    for (Channel c : values()) {
      if (c.wireName().equals(value)) {
        return c;
      }
    }
    return null;
  }
}
