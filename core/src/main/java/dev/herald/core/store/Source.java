package dev.herald.core.store;

import java.util.Locale;

/** Where a notification came from. */
public enum Source {
  CR,
  API,
  CAMPAIGN;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
