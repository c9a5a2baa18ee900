package dev.herald.core.webpush;

import java.util.Optional;

/**
 * The keys of a browser's Web Push subscription ({@code PushSubscription.toJSON().keys}), in
 * canonical unpadded URL-safe base64: {@code p256dh}, the browser's P-256 public key that the
 * payload is encrypted to (RFC 8291), and {@code auth}, the 16-byte secret it shares with Herald.
 * {@code auth} is a credential of the subscription: never logged.
 */
public record WebPushKeys(String p256dh, String auth) {
  public static final int AUTH_BYTES = 16;

  public WebPushKeys {
    if (p256dhProblem(p256dh).isPresent() || authProblem(auth).isPresent()) {
      throw new IllegalArgumentException("not Web Push subscription keys");
    }
    p256dh = Base64Url.encode(Base64Url.decode(p256dh));
    auth = Base64Url.encode(Base64Url.decode(auth));
  }

  /** What is wrong with a {@code p256dh} value, if anything. */
  public static Optional<String> p256dhProblem(String value) {
    byte[] bytes = Base64Url.decode(value);
    if (bytes == null) {
      return Optional.of("must be URL-safe base64");
    }
    return P256.isPoint(bytes)
        ? Optional.empty()
        : Optional.of("must be an uncompressed P-256 public key (65 bytes, a point on the curve)");
  }

  /** What is wrong with an {@code auth} value, if anything. */
  public static Optional<String> authProblem(String value) {
    byte[] bytes = Base64Url.decode(value);
    if (bytes == null) {
      return Optional.of("must be URL-safe base64");
    }
    return bytes.length == AUTH_BYTES ? Optional.empty() : Optional.of("must be 16 bytes");
  }

  public byte[] p256dhBytes() {
    return Base64Url.decode(p256dh);
  }

  public byte[] authBytes() {
    return Base64Url.decode(auth);
  }

  @Override
  public String toString() {
    return "WebPushKeys[p256dh=" + p256dh.substring(0, 8) + "…, auth=***]";
  }
}
