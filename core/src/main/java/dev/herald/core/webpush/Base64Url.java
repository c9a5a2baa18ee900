package dev.herald.core.webpush;

import java.util.Base64;

/** Web Push's key encoding: URL-safe base64, padding optional on input, never written. */
public final class Base64Url {
  private Base64Url() {}

  /** The decoded bytes, or null when {@code text} is not URL-safe base64. */
  public static byte[] decode(String text) {
    if (text == null || !text.matches("^[A-Za-z0-9_-]*={0,2}$")) {
      return null;
    }
    try {
      return Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  public static String encode(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
