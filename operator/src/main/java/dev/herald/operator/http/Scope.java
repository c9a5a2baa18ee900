package dev.herald.operator.http;

import java.util.Locale;

/** What an API key may do. */
public enum Scope {
  /** Create and cancel notifications. */
  SEND,
  /** Manage users, devices, preferences and suppressions. */
  CONTACTS,
  /** Read users, preferences, suppressions and notification status. */
  READ,
  /**
   * A client app's key, shipped in the app and so public: no other scope with it, and no request
   * without a user token ({@link UserTokens}); with one, it may register/unregister the token's
   * user's devices, read/set that user's preferences and report opens/clicks of pushes to them.
   */
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
