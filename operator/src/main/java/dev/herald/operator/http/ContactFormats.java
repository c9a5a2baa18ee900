package dev.herald.operator.http;

import dev.herald.api.spec.Patterns;
import dev.herald.core.store.Addresses;
import dev.herald.core.store.PhoneNumbers;
import java.time.ZoneId;
import java.util.IllformedLocaleException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The formats of contact data: each returns the normalised value, or null when the input is not
 * valid (the caller names the field).
 */
final class ContactFormats {
  private static final Pattern EMAIL = Pattern.compile(Patterns.EMAIL);
  private static final Pattern APNS_TOKEN = Pattern.compile("^[0-9a-fA-F]{64}$");

  /**
   * FCM registration tokens: URL-safe base64 with a colon-separated prefix, about 150–200
   * characters.
   */
  private static final Pattern FCM_TOKEN = Pattern.compile("^[A-Za-z0-9_:\\-]{100,4096}$");

  static final String USER_ID = "^[A-Za-z0-9][A-Za-z0-9._:@+\\-]{0,255}$";
  private static final Pattern USER_ID_PATTERN = Pattern.compile(USER_ID);

  private ContactFormats() {}

  static String email(String s) {
    return s.length() <= 320 && EMAIL.matcher(s).matches() ? Addresses.normaliseEmail(s) : null;
  }

  /** An international number (leading +) that libphonenumber considers valid, as E.164. */
  static String phone(String s) {
    return PhoneNumbers.e164(s);
  }

  /** A well-formed BCP 47 tag with a language, in its canonical form. */
  static String locale(String s) {
    try {
      Locale locale = new Locale.Builder().setLanguageTag(s).build();
      return locale.getLanguage().isEmpty() ? null : locale.toLanguageTag();
    } catch (IllformedLocaleException e) {
      return null;
    }
  }

  /** An IANA time zone id (region based, as the tz database names it). */
  static String timeZone(String s) {
    return ZoneId.getAvailableZoneIds().contains(s) ? ZoneId.of(s).getId() : null;
  }

  static boolean userId(String s) {
    return s != null && USER_ID_PATTERN.matcher(s).matches();
  }

  /**
   * A device token in its platform's format: APNs 64 hex digits (lower-cased); FCM registration
   * token, on android and web. A Web Push subscription is not a token ({@link DeviceFields}).
   */
  static String deviceToken(String platform, String token) {
    return switch (platform) {
      case "ios" -> APNS_TOKEN.matcher(token).matches() ? token.toLowerCase(Locale.ROOT) : null;
      case "android" -> FCM_TOKEN.matcher(token).matches() ? token : null;
      case "web" -> FCM_TOKEN.matcher(token).matches() ? token : null;
      default -> null;
    };
  }

  static String tokenFormat(String platform) {
    return switch (platform) {
      case "ios" -> "must be an APNs device token: 64 hexadecimal digits";
      case "android" -> "must be an FCM registration token: 100 or more of A-Z a-z 0-9 _ : -";
      default ->
          "must be an FCM registration token (or send a Web Push subscription as subscription)";
    };
  }
}
