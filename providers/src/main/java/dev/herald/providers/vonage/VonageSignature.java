package dev.herald.providers.vonage;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Vonage's signed webhooks: the {@code sig} parameter is a hash over every other parameter, sorted
 * by name, as {@code &name=value} with {@code &} and {@code =} in names and values turned into
 * {@code _}; {@code md5hash} is MD5 of that text followed by the signature secret, the others an
 * HMAC keyed with it; lower-case hex. The signed {@code timestamp} parameter dates it. JDK crypto
 * only, compared in constant time.
 */
final class VonageSignature {
  static final String SIG = "sig";
  static final String TIMESTAMP = "timestamp";

  /** The hashes Vonage signs with, by the name its dashboard and API give them. */
  enum Method {
    MD5HASH("md5hash", null),
    MD5("md5", "HmacMD5"),
    SHA1("sha1", "HmacSHA1"),
    SHA256("sha256", "HmacSHA256"),
    SHA512("sha512", "HmacSHA512");

    static final List<String> NAMES =
        java.util.Arrays.stream(values()).map(m -> m.wireName).toList();

    private final String wireName;
    private final String hmac;

    Method(String wireName, String hmac) {
      this.wireName = wireName;
      this.hmac = hmac;
    }

    String wireName() {
      return wireName;
    }

    /**
     * The method named {@code name}; {@code md5hash} when blank; null when Vonage has no such
     * method.
     */
    static Method of(String name) {
      if (name == null || name.isBlank()) {
        return MD5HASH;
      }
      String wanted = name.strip().toLowerCase(Locale.ROOT);
      for (Method m : values()) {
        if (m.wireName.equals(wanted)) {
          return m;
        }
      }
      return null;
    }
  }

  private VonageSignature() {}

  /**
   * The signature of {@code params} (a {@code sig} among them is left out). Vonage leaves out empty
   * values when it signs; {@code withEmpty} keeps them, as the Vonage SDK does for JSON bodies.
   */
  static String sign(Map<String, String> params, String secret, Method method, boolean withEmpty) {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(params)
        .forEach(
            (name, value) -> {
              // trim(), not isBlank(): Vonage drops values of only control characters and spaces,
              // not other Unicode spaces
              if (!SIG.equals(name) && value != null && (withEmpty || !value.trim().isEmpty())) {
                text.append('&').append(clean(name)).append('=').append(clean(value));
              }
            });
    try {
      byte[] digest;
      if (method.hmac == null) {
        digest =
            MessageDigest.getInstance("MD5")
                .digest((text + secret).getBytes(StandardCharsets.UTF_8));
      } else {
        Mac mac = Mac.getInstance(method.hmac);
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), method.hmac));
        digest = mac.doFinal(text.toString().getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(method.wireName + " is not available", e);
    }
  }

  /**
   * Whether {@code params} carry a {@code sig} made with {@code secret}. A JSON body may have been
   * signed with its empty values or without them: both are tried.
   */
  static boolean verifies(Map<String, String> params, String secret, Method method, boolean json) {
    String given = params.get(SIG);
    if (given == null || given.isBlank()) {
      return false;
    }
    byte[] expected = given.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
    if (MessageDigest.isEqual(
        sign(params, secret, method, false).getBytes(StandardCharsets.UTF_8), expected)) {
      return true;
    }
    return json
        && MessageDigest.isEqual(
            sign(params, secret, method, true).getBytes(StandardCharsets.UTF_8), expected);
  }

  private static String clean(String s) {
    return s.replace('&', '_').replace('=', '_');
  }
}
