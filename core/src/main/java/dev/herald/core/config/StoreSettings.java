package dev.herald.core.config;

import java.time.Duration;
import java.util.Map;

/**
 * Where Herald's Postgres is, how many connections one process may hold, and how long any one wait
 * on it may last.
 *
 * @param connectTimeout longest wait for a connection from the pool (or a new one to Postgres)
 * @param socketTimeout longest wait for Postgres to answer a statement (a paused or unreachable
 *     server); zero for none
 */
public record StoreSettings(
    String jdbcUrl,
    String user,
    String password,
    int maxPoolSize,
    Duration connectTimeout,
    Duration socketTimeout) {
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofMinutes(2);

  public StoreSettings {
    if (jdbcUrl == null || jdbcUrl.isBlank()) {
      throw new IllegalArgumentException("HERALD_DB_URL (a jdbc:postgresql:// URL) is required");
    }
    if (maxPoolSize < 1) {
      throw new IllegalArgumentException("maxPoolSize must be at least 1");
    }
    if (connectTimeout.toMillis() < 250) {
      throw new IllegalArgumentException("the connection timeout must be at least 250 ms");
    }
  }

  public StoreSettings(String jdbcUrl, String user, String password, int maxPoolSize) {
    this(jdbcUrl, user, password, maxPoolSize, DEFAULT_CONNECT_TIMEOUT, DEFAULT_SOCKET_TIMEOUT);
  }

  /**
   * Reads {@code HERALD_DB_URL}, {@code HERALD_DB_USER}, {@code HERALD_DB_PASSWORD}, {@code
   * HERALD_DB_POOL}, {@code HERALD_DB_CONNECT_TIMEOUT_SECONDS}, {@code
   * HERALD_DB_SOCKET_TIMEOUT_SECONDS}.
   */
  public static StoreSettings fromEnv(Map<String, String> env) {
    EnvironmentVariables vars = new EnvironmentVariables(env);
    return new StoreSettings(
        env.get("HERALD_DB_URL"),
        vars.text("HERALD_DB_USER", "herald"),
        env.getOrDefault("HERALD_DB_PASSWORD", ""),
        vars.integer("HERALD_DB_POOL", 10, 1, 1000),
        vars.seconds("HERALD_DB_CONNECT_TIMEOUT_SECONDS", DEFAULT_CONNECT_TIMEOUT, 1, 3600),
        vars.seconds("HERALD_DB_SOCKET_TIMEOUT_SECONDS", DEFAULT_SOCKET_TIMEOUT, 1, 86_400));
  }

  @Override
  public String toString() {
    return "StoreSettings[jdbcUrl="
        + jdbcUrl
        + ", user="
        + user
        + ", maxPoolSize="
        + maxPoolSize
        + ", connectTimeout="
        + connectTimeout
        + ", socketTimeout="
        + socketTimeout
        + "]";
  }
}
