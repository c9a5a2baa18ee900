package dev.herald.providers.twilio;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Twilio's {@code X-Twilio-Signature}: HMAC-SHA1 with the account's auth token over the URL Twilio
 * called followed by each form parameter's name and value, sorted by name, in base64. Twilio may
 * sign the URL with or without its default port, so both are tried, as the twilio SDK's {@code
 * RequestValidator} does. JDK crypto only, compared in constant time.
 */
final class TwilioSignature {
  static final String HEADER = "X-Twilio-Signature";

  private TwilioSignature() {}

  static boolean verifies(
      String authToken, String url, Map<String, String> params, String signature) {
    byte[] given = signature.strip().getBytes(StandardCharsets.UTF_8);
    for (String candidate : java.util.Arrays.asList(url, withPort(url), withoutPort(url))) {
      if (candidate != null
          && MessageDigest.isEqual(
              sign(authToken, candidate, params).getBytes(StandardCharsets.UTF_8), given)) {
        return true;
      }
    }
    return false;
  }

  static String sign(String authToken, String url, Map<String, String> params) {
    StringBuilder data = new StringBuilder(url);
    List<String> names = new ArrayList<>(params.keySet());
    Collections.sort(names);
    for (String name : names) {
      String value = params.get(name);
      data.append(name).append(value == null ? "" : value);
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder()
          .encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is not available", e);
    }
  }

  private static String withPort(String url) {
    URL u = parse(url);
    if (u == null || u.getPort() != -1) {
      return null;
    }
    return rebuild(u, u.getDefaultPort());
  }

  private static String withoutPort(String url) {
    URL u = parse(url);
    return u == null || u.getPort() == -1 ? null : rebuild(u, -1);
  }

  private static String rebuild(URL u, int port) {
    String authority =
        (u.getUserInfo() == null ? "" : u.getUserInfo() + "@")
            + u.getHost()
            + (port == -1 ? "" : ":" + port);
    return u.getProtocol()
        + "://"
        + authority
        + u.getFile()
        + (u.getRef() == null ? "" : "#" + u.getRef());
  }

  private static URL parse(String url) {
    try {
      return URI.create(url).toURL();
    } catch (IllegalArgumentException | MalformedURLException e) {
      return null;
    }
  }
}
