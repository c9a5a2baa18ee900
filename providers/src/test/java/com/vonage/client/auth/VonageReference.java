package com.vonage.client.auth;

import com.vonage.client.auth.hashutils.HashType;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Vonage SDK's own signing and verification (package-private there), as the reference Herald's
 * JDK-only {@code VonageSignature} is tested against.
 */
public final class VonageReference {
  // RequestSigning logs every parameter and signature at INFO: not in test output either
  private static final Logger QUIET = Logger.getLogger(RequestSigning.class.getName());

  static {
    QUIET.setLevel(Level.OFF);
  }

  private VonageReference() {}

  /**
   * The {@code timestamp} and {@code sig} the SDK adds to {@code params} signed at {@code
   * epochSeconds}.
   */
  public static Map<String, String> sign(
      Map<String, String> params, String secret, String method, long epochSeconds) {
    return RequestSigning.constructSignatureForRequestParameters(
        params, secret, epochSeconds, hashType(method));
  }

  /**
   * Whether the SDK accepts form {@code params} (with {@code sig} and {@code timestamp}) at {@code
   * nowMillis}.
   */
  public static boolean verifies(
      Map<String, String> params, String secret, String method, long nowMillis) {
    Map<String, String[]> form = new java.util.LinkedHashMap<>();
    params.forEach((k, v) -> form.put(k, new String[] {v}));
    return RequestSigning.verifyRequestSignature(
        null, null, form, secret, nowMillis, hashType(method));
  }

  private static HashType hashType(String method) {
    return switch (method) {
      case "md5hash" -> HashType.MD5;
      case "md5" -> HashType.HMAC_MD5;
      case "sha1" -> HashType.HMAC_SHA1;
      case "sha256" -> HashType.HMAC_SHA256;
      case "sha512" -> HashType.HMAC_SHA512;
      default -> throw new IllegalArgumentException(method);
    };
  }
}
