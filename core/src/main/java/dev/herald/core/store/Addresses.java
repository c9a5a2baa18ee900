package dev.herald.core.store;

import java.util.Locale;

/** Address normalisation shared by everything that writes deliveries. */
public final class Addresses {
  private Addresses() {}

  /** Domains are case-insensitive; local parts are kept as written. */
  public static String normaliseEmail(String email) {
    String trimmed = email.trim();
    int at = trimmed.lastIndexOf('@');
    return at < 0
        ? trimmed
        : trimmed.substring(0, at + 1) + trimmed.substring(at + 1).toLowerCase(Locale.ROOT);
  }
}
