package dev.herald.core.webpush;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A VAPID key pair (RFC 8292) as a webpush provider's Secret holds it, in the form VAPID tools
 * print: {@code vapidPublicKey}, the 65-byte uncompressed P-256 point (the application server key
 * browsers subscribe with), and {@code vapidPrivateKey}, its 32-byte scalar, both URL-safe base64.
 * Problems name the key, never its value; {@link #toString()} shows the public key only.
 */
public record VapidKeyPair(ECPublicKey publicKey, ECPrivateKey privateKey) {
  public static final String PUBLIC_KEY = "vapidPublicKey";
  public static final String PRIVATE_KEY = "vapidPrivateKey";

  /** Everything wrong with the Secret's VAPID keys; empty when they form a usable pair. */
  public static List<String> problems(Map<String, String> secret) {
    List<String> problems = new ArrayList<>();
    String pub = trimmed(secret.get(PUBLIC_KEY));
    String priv = trimmed(secret.get(PRIVATE_KEY));
    ECPublicKey publicKey = null;
    ECPrivateKey privateKey = null;
    if (pub == null) {
      problems.add("key " + PUBLIC_KEY + " is missing or empty");
    } else {
      byte[] bytes = Base64Url.decode(pub);
      if (bytes == null || !P256.isPoint(bytes)) {
        problems.add(
            "key "
                + PUBLIC_KEY
                + " is not a VAPID public key (URL-safe base64 of a 65-byte uncompressed"
                + " P-256 point)");
      } else {
        publicKey = P256.publicKey(bytes);
      }
    }
    if (priv == null) {
      problems.add("key " + PRIVATE_KEY + " is missing or empty");
    } else {
      byte[] bytes = Base64Url.decode(priv);
      try {
        privateKey = P256.privateKey(bytes);
      } catch (IllegalArgumentException e) {
        problems.add(
            "key "
                + PRIVATE_KEY
                + " is not a VAPID private key (URL-safe base64 of a 32-byte P-256 scalar)");
      }
    }
    if (publicKey != null && privateKey != null && !pair(publicKey, privateKey)) {
      problems.add("keys " + PUBLIC_KEY + " and " + PRIVATE_KEY + " are not one key pair");
    }
    return problems;
  }

  /**
   * The pair in {@code secret}; {@link IllegalArgumentException} naming the first problem
   * otherwise.
   */
  public static VapidKeyPair from(Map<String, String> secret) {
    List<String> problems = problems(secret);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(problems.get(0));
    }
    return new VapidKeyPair(
        P256.publicKey(Base64Url.decode(trimmed(secret.get(PUBLIC_KEY)))),
        P256.privateKey(Base64Url.decode(trimmed(secret.get(PRIVATE_KEY)))));
  }

  /** The application server key browsers pass to {@code pushManager.subscribe}. */
  public String applicationServerKey() {
    return Base64Url.encode(P256.uncompressed(publicKey));
  }

  private static boolean pair(ECPublicKey publicKey, ECPrivateKey privateKey) {
    try {
      byte[] probe = "herald vapid key pair check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String trimmed(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  @Override
  public String toString() {
    return "VapidKeyPair[publicKey=" + applicationServerKey() + ", privateKey=***]";
  }
}
