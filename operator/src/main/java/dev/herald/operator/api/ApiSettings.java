package dev.herald.operator.api;

import java.util.Map;

/**
 * The HTTP API's settings: {@code HERALD_API_PORT} (default 8080; 0 picks a free port),
 * {@code HERALD_API_BODY_LIMIT} (bytes, default 1 MiB), {@code HERALD_API_IMPORT_LIMIT} (bytes of
 * one streamed bulk import, default 2 GiB), {@code HERALD_API_RATE_LIMIT} (requests per second per
 * key, default 100).
 */
public record ApiSettings(int port, long bodyLimit, long importLimit, int ratePerSecond) {
  public static final long DEFAULT_BODY_LIMIT = 1024 * 1024;
  public static final long DEFAULT_IMPORT_LIMIT = 2L * 1024 * 1024 * 1024;

  public static ApiSettings fromEnv(Map<String, String> env) {
    return new ApiSettings(Integer.parseInt(env.getOrDefault("HERALD_API_PORT", "8080")),
        Long.parseLong(env.getOrDefault("HERALD_API_BODY_LIMIT", String.valueOf(DEFAULT_BODY_LIMIT))),
        Long.parseLong(env.getOrDefault("HERALD_API_IMPORT_LIMIT", String.valueOf(DEFAULT_IMPORT_LIMIT))),
        Integer.parseInt(env.getOrDefault("HERALD_API_RATE_LIMIT", "100")));
  }

  /** A free port, the default limits: for tests and embedded use. */
  public static ApiSettings ephemeral() {
    return new ApiSettings(0, DEFAULT_BODY_LIMIT, DEFAULT_IMPORT_LIMIT, 100);
  }
}
