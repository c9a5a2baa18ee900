package dev.herald.core.unsubscribe;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * RFC 8058 one-click unsubscribe links: {@code <public API URL>/v1/unsubscribe/<signed token>}.
 * Configured by {@code HERALD_UNSUBSCRIBE_KEY} (at least 32 characters; the same Secret for the
 * operator and the dispatchers) and {@code HERALD_API_PUBLIC_URL}; a JVM system property of the
 * same name stands in for the environment variable (embedded and test use).
 */
public final class UnsubscribeLinks {
  private final UnsubscribeTokens tokens;
  private final String publicUrl;
  private final Duration validity;
  private final Clock clock;

  public UnsubscribeLinks(
      UnsubscribeTokens tokens, String publicUrl, Duration validity, Clock clock) {
    this.tokens = tokens;
    this.publicUrl =
        publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    this.validity = validity;
    this.clock = clock;
  }

  /** The links as configured, or empty when no key is configured (then e-mails carry no link). */
  public static Optional<UnsubscribeLinks> fromEnvironment() {
    Function<String, String> setting =
        name -> System.getenv(name) != null ? System.getenv(name) : System.getProperty(name);
    String key = setting.apply(UnsubscribeTokens.ENV_KEY);
    if (key == null || key.isBlank()) {
      return Optional.empty();
    }
    String url = setting.apply(UnsubscribeTokens.ENV_PUBLIC_URL);
    return Optional.of(
        new UnsubscribeLinks(
            new UnsubscribeTokens(key),
            url == null ? "http://localhost:8080" : url,
            UnsubscribeTokens.DEFAULT_VALIDITY,
            Clock.systemUTC()));
  }

  public String link(String tenant, UUID deliveryId) {
    return publicUrl
        + "/v1/unsubscribe/"
        + tokens.sign(tenant, deliveryId, clock.instant().plus(validity));
  }

  public Optional<UnsubscribeTokens.Claim> verify(String token) {
    return tokens.verify(token, clock.instant());
  }
}
