package dev.herald.operator.api;

import java.util.Locale;

/** What an API key may do. */
public enum Scope {
  /** Create and cancel notifications. */
  SEND,
  /** Manage users, devices, preferences and suppressions. */
  CONTACTS,
  /** Read users, preferences, suppressions and notification status. */
  READ,
  /** A client app's key: may only register/unregister devices and set preferences of a user. */
  CLIENT;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Scope fromWire(String s) {
    for (Scope scope : values()) {
      if (scope.wireName().equals(s)) {
        return scope;
      }
    }
    return null;
  }
}
