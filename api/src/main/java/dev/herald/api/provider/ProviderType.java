package dev.herald.api.provider;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.herald.api.Channel;
import java.util.List;
import java.util.Locale;

/**
 * The providers Herald speaks to, the channel each serves and the Secret keys each needs in every
 * case. Some types take alternatives beyond these, which {@link #requiredSecretKeys()} cannot say:
 *
 * <ul>
 *   <li>twilio: {@code accountSid} with {@code authToken}, or with {@code apiKeySid} and {@code
 *       apiKeySecret} (an API key of that account);
 *   <li>vonage: {@code apiKey} and {@code apiSecret}; an optional {@code signatureSecret} verifies
 *       signed webhooks, hashed as {@code signatureMethod} says ({@code md5hash} unless set: also
 *       {@code md5}, {@code sha1}, {@code sha256}, {@code sha512}, the HMACs);
 *   <li>apns: {@code signingKey} is the .p8 key as PKCS#8 PEM (key id and team id are in {@code
 *       spec.apns}); an optional {@code caCertificate} (PEM) is trusted for a private {@code
 *       spec.endpoint};
 *   <li>fcm: {@code serviceAccount} is the service-account JSON key;
 *   <li>webpush: {@code vapidPublicKey} and {@code vapidPrivateKey} are the VAPID key pair in the
 *       form VAPID tools print (URL-safe base64 of the 65-byte public point and the 32-byte private
 *       scalar);
 *   <li>smtp: nothing always; {@code username} and {@code password} for AUTH (both or neither), and
 *       an optional {@code caCertificate} (PEM) trusted for a private relay.
 * </ul>
 */
public enum ProviderType {
  SENDGRID(Channel.EMAIL, List.of("apiKey")),
  // plus authToken, or apiKeySid and apiKeySecret: see the class comment
  TWILIO(Channel.SMS, List.of("accountSid")),
  // plus optional signatureSecret and signatureMethod: see the class comment
  VONAGE(Channel.SMS, List.of("apiKey", "apiSecret")),
  APNS(Channel.PUSH, List.of("signingKey")),
  FCM(Channel.PUSH, List.of("serviceAccount")),
  /**
   * Standard Web Push (VAPID, RFC 8291 encryption) to the push service a browser subscribed with.
   */
  WEBPUSH(Channel.PUSH, List.of("vapidPublicKey", "vapidPrivateKey")),
  /** Any SMTP relay; AUTH is optional (a relay on a trusted network may need none). */
  SMTP(Channel.EMAIL, List.of());

  private final Channel channel;
  private final List<String> requiredSecretKeys;

  ProviderType(Channel channel, List<String> requiredSecretKeys) {
    this.channel = channel;
    this.requiredSecretKeys = requiredSecretKeys;
  }

  public Channel channel() {
    return channel;
  }

  /** The keys a Secret of this type must hold whatever the alternative (see the class comment). */
  public List<String> requiredSecretKeys() {
    return requiredSecretKeys;
  }

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static ProviderType fromWire(String value) {
    for (ProviderType t : values()) {
      if (t.wireName().equals(value)) {
        return t;
      }
    }
    return null;
  }
}
