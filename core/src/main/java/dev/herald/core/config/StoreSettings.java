package dev.herald.core.config;

import java.util.Map;

/** Where Herald's Postgres is and how many connections one process may hold. */
public record StoreSettings(String jdbcUrl, String user, String password, int maxPoolSize) {
  public StoreSettings {
    if (jdbcUrl == null || jdbcUrl.isBlank()) {
      throw new IllegalArgumentException("HERALD_DB_URL (a jdbc:postgresql:// URL) is required");
    }
    if (maxPoolSize < 1) {
      throw new IllegalArgumentException("maxPoolSize must be at least 1");
    }
  }

  /** Reads {@code HERALD_DB_URL}, {@code HERALD_DB_USER}, {@code HERALD_DB_PASSWORD}, {@code HERALD_DB_POOL}. */
  public static StoreSettings fromEnv(Map<String, String> env) {
    return new StoreSettings(env.get("HERALD_DB_URL"), env.getOrDefault("HERALD_DB_USER", "herald"),
        env.getOrDefault("HERALD_DB_PASSWORD", ""),
        Integer.parseInt(env.getOrDefault("HERALD_DB_POOL", "10")));
  }

  @Override
  public String toString() {
    return "StoreSettings[jdbcUrl=" + jdbcUrl + ", user=" + user + ", maxPoolSize=" + maxPoolSize + "]";
  }
}
