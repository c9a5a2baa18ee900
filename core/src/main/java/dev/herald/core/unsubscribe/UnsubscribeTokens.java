package dev.herald.core.unsubscribe;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring one-click unsubscribe tokens (RFC 8058): {@code base64url(tenant|delivery
 * id|expiry epoch seconds).base64url(HMAC-SHA256)}. The dispatcher signs one per e-mail, the
 * operator's API verifies it; both read the same key ({@code HERALD_UNSUBSCRIBE_KEY}, from one
 * Secret).
 */
public final class UnsubscribeTokens {
  public static final String ENV_KEY = "HERALD_UNSUBSCRIBE_KEY";

  /** Where the API is reachable from outside, for the links ({@code HERALD_API_PUBLIC_URL}). */
  public static final String ENV_PUBLIC_URL = "HERALD_API_PUBLIC_URL";

  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(60);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  /** What a valid token says. */
  public record Claim(String tenant, UUID deliveryId, Instant expires) {}

  private final SecretKeySpec key;

  public UnsubscribeTokens(String key) {
    if (key == null || key.length() < 32) {
      throw new IllegalArgumentException(ENV_KEY + " must be at least 32 characters");
    }
    this.key = new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  public String sign(String tenant, UUID deliveryId, Instant expires) {
    String payload =
        B64.encodeToString(
            (tenant + "|" + deliveryId + "|" + expires.getEpochSecond())
                .getBytes(StandardCharsets.UTF_8));
    return payload + "." + B64.encodeToString(mac(payload));
  }

  /** The claim of a token signed with this key and not expired at {@code now}; empty otherwise. */
  public Optional<Claim> verify(String token, Instant now) {
    try {
      int dot = token.indexOf('.');
      if (dot < 0) {
        return Optional.empty();
      }
      String payload = token.substring(0, dot);
      if (!MessageDigest.isEqual(mac(payload), B64D.decode(token.substring(dot + 1)))) {
        return Optional.empty();
      }
      String[] parts = new String(B64D.decode(payload), StandardCharsets.UTF_8).split("\\|");
      Instant expires = Instant.ofEpochSecond(Long.parseLong(parts[2]));
      return parts.length == 3 && now.isBefore(expires)
          ? Optional.of(new Claim(parts[0], UUID.fromString(parts[1]), expires))
          : Optional.empty();
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
