package dev.herald.operator.http;

import dev.herald.core.config.EnvironmentVariables;
import dev.herald.core.webpush.WebPushEndpoints;
import java.time.Duration;
import java.util.Map;

/**
 * The HTTP API's settings: {@code HERALD_API_PORT} (default 8080; 0 picks a free port), {@code
 * HERALD_API_BODY_LIMIT} (bytes, default 1 MiB), {@code HERALD_API_IMPORT_LIMIT} (bytes of one
 * streamed bulk import, default 2 GiB), {@code HERALD_API_RATE_LIMIT} (requests per second per key,
 * default 100), and the limits on slow clients: {@code HERALD_API_HEADER_TIMEOUT_SECONDS} (10: to
 * send a request's headers), {@code HERALD_API_BODY_IDLE_TIMEOUT_SECONDS} (30: the longest a body
 * may make no progress, then 408) and {@code HERALD_API_IDLE_TIMEOUT_SECONDS} (120: a connection on
 * which nothing moves is closed), and {@code HERALD_API_USER_TOKEN_MAX_LIFETIME_SECONDS} (86400,
 * from 60 to 604800: the longest a client app's user token may live, {@code exp - iat}). Web Push
 * subscriptions are registered only with endpoints on public HTTPS hosts ({@link
 * WebPushEndpoints#publicOnly()}); no setting loosens that, only code that runs the operator
 * in-process (the sandbox, tests) may pass other rules.
 */
public record ApiSettings(
    int port,
    long bodyLimit,
    long importLimit,
    int ratePerSecond,
    Duration headerTimeout,
    Duration bodyIdleTimeout,
    Duration idleTimeout,
    Duration userTokenMaxLifetime,
    WebPushEndpoints webPushEndpoints) {
  public static final long DEFAULT_BODY_LIMIT = 1024 * 1024;
  public static final long DEFAULT_IMPORT_LIMIT = 2L * 1024 * 1024 * 1024;
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_BODY_IDLE_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(120);
  public static final Duration DEFAULT_USER_TOKEN_MAX_LIFETIME = Duration.ofHours(24);

  public ApiSettings(int port, long bodyLimit, long importLimit, int ratePerSecond) {
    this(
        port,
        bodyLimit,
        importLimit,
        ratePerSecond,
        DEFAULT_HEADER_TIMEOUT,
        DEFAULT_BODY_IDLE_TIMEOUT,
        DEFAULT_IDLE_TIMEOUT,
        DEFAULT_USER_TOKEN_MAX_LIFETIME,
        WebPushEndpoints.publicOnly());
  }

  public static ApiSettings fromEnv(Map<String, String> env) {
    EnvironmentVariables vars = new EnvironmentVariables(env);
    return new ApiSettings(
        vars.integer("HERALD_API_PORT", 8080, 0, 65_535),
        vars.number("HERALD_API_BODY_LIMIT", DEFAULT_BODY_LIMIT, 1024, 1L << 30),
        vars.number("HERALD_API_IMPORT_LIMIT", DEFAULT_IMPORT_LIMIT, 1024, 1L << 34),
        vars.integer("HERALD_API_RATE_LIMIT", 100, 1, 1_000_000),
        vars.seconds("HERALD_API_HEADER_TIMEOUT_SECONDS", DEFAULT_HEADER_TIMEOUT, 1, 3600),
        vars.seconds("HERALD_API_BODY_IDLE_TIMEOUT_SECONDS", DEFAULT_BODY_IDLE_TIMEOUT, 1, 3600),
        vars.seconds("HERALD_API_IDLE_TIMEOUT_SECONDS", DEFAULT_IDLE_TIMEOUT, 1, 3600),
        vars.seconds(
            "HERALD_API_USER_TOKEN_MAX_LIFETIME_SECONDS",
            DEFAULT_USER_TOKEN_MAX_LIFETIME,
            60,
            604_800),
        WebPushEndpoints.publicOnly());
  }

  /** A free port, the default limits: for tests and embedded use. */
  public static ApiSettings ephemeral() {
    return new ApiSettings(0, DEFAULT_BODY_LIMIT, DEFAULT_IMPORT_LIMIT, 100);
  }

  /** These settings with other limits on slow clients. */
  public ApiSettings withTimeouts(Duration header, Duration bodyIdle, Duration idle) {
    return new ApiSettings(
        port,
        bodyLimit,
        importLimit,
        ratePerSecond,
        header,
        bodyIdle,
        idle,
        userTokenMaxLifetime,
        webPushEndpoints);
  }

  /** These settings with other rules for Web Push endpoints: the sandbox's and tests' simulator. */
  public ApiSettings withWebPushEndpoints(WebPushEndpoints endpoints) {
    return new ApiSettings(
        port,
        bodyLimit,
        importLimit,
        ratePerSecond,
        headerTimeout,
        bodyIdleTimeout,
        idleTimeout,
        userTokenMaxLifetime,
        endpoints);
  }

  /** These settings with another longest lifetime of a user token. */
  public ApiSettings withUserTokenMaxLifetime(Duration maxLifetime) {
    return new ApiSettings(
        port,
        bodyLimit,
        importLimit,
        ratePerSecond,
        headerTimeout,
        bodyIdleTimeout,
        idleTimeout,
        maxLifetime,
        webPushEndpoints);
  }
}
