package com.eatthepath.pushy.apns.server;

import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import com.eatthepath.pushy.apns.auth.AuthenticationToken;
import io.netty.handler.codec.http2.Http2Headers;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLSession;

/**
 * Pushy's token-authenticating validation, with each provider token verified once per topic, as
 * APNs does: a provider reuses one token for up to an hour, and APNs checks its signature when it
 * first sees it, not on every notification. Verifying an ES256 signature per notification made the
 * simulator, not the client under test, the limit of every push figure. Everything else (device
 * token, topic, headers, payload) is still checked on every notification by Pushy's own code.
 *
 * <p>It lives in Pushy's package because Pushy's validating handlers are package-private.
 */
public final class OnceVerifiedTokenHandlerFactory implements PushNotificationHandlerFactory {
  /** A further check of the token that Pushy's does not make; it throws to refuse. */
  @FunctionalInterface
  public interface TokenCheck {
    void check(Http2Headers headers) throws RejectedNotificationException;
  }

  // Pushy's own limit (TokenAuthenticationValidatingPushNotificationHandler).
  private static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
  private static final int FORGET_ABOVE = 10_000;

  private final Map<String, Set<String>> deviceTokensByTopic;
  private final Map<String, Instant> expiredDeviceTokens;
  private final Map<String, ApnsVerificationKey> keysById;
  private final Map<ApnsVerificationKey, Set<String>> topicsByKey;
  private final TokenCheck further;

  /** "authorization topic" of a token that passed every check, and when it stops being valid. */
  private final Map<String, Instant> verified = new ConcurrentHashMap<>();

  public OnceVerifiedTokenHandlerFactory(
      Map<String, Set<String>> deviceTokensByTopic,
      Map<String, Instant> expiredDeviceTokens,
      Map<String, ApnsVerificationKey> keysById,
      Map<ApnsVerificationKey, Set<String>> topicsByKey,
      TokenCheck further) {
    this.deviceTokensByTopic = deviceTokensByTopic;
    this.expiredDeviceTokens = expiredDeviceTokens;
    this.keysById = keysById;
    this.topicsByKey = topicsByKey;
    this.further = further;
  }

  @Override
  public PushNotificationHandler buildHandler(SSLSession sslSession) {
    TokenAuthenticationValidatingPushNotificationHandler full =
        new TokenAuthenticationValidatingPushNotificationHandler(
            deviceTokensByTopic, expiredDeviceTokens, keysById, topicsByKey);
    return new ValidatingPushNotificationHandler(deviceTokensByTopic, expiredDeviceTokens) {
      @Override
      protected void verifyAuthentication(Http2Headers headers)
          throws RejectedNotificationException {
        String key = headers.get("authorization") + " " + headers.get("apns-topic");
        Instant until = verified.get(key);
        if (until != null && Instant.now().isBefore(until)) {
          return;
        }
        full.verifyAuthentication(headers);
        further.check(headers);
        remember(key, issuedAt(headers).plus(TOKEN_LIFETIME));
      }
    };
  }

  private void remember(String key, Instant until) {
    if (verified.size() > FORGET_ABOVE) {
      Instant now = Instant.now();
      verified.values().removeIf(now::isAfter);
    }
    verified.put(key, until);
  }

  /** The token passed Pushy's check, so it parses. */
  private static Instant issuedAt(Http2Headers headers) {
    String authorization = headers.get("authorization").toString();
    String token = authorization.substring("bearer".length()).trim();
    return new AuthenticationToken(token).getIssuedAt();
  }
}
