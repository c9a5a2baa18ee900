package dev.herald.core.log;

/**
 * Masks personal addresses before they reach a log line: enough is kept to tell two apart while
 * debugging, not enough to contact anyone.
 */
public final class Mask {
  private Mask() {}

  /** {@code alice@example.com} → {@code a***@example.com}. */
  public static String email(String address) {
    if (address == null) {
      return null;
    }
    int at = address.lastIndexOf('@');
    if (at <= 0) {
      return "***";
    }
    return address.charAt(0) + "***" + address.substring(at);
  }

  /** {@code +4915112345678} → {@code +49*******78}. */
  public static String phone(String number) {
    if (number == null) {
      return null;
    }
    if (number.length() < 6) {
      return "***";
    }
    return number.substring(0, 3)
        + "*".repeat(number.length() - 5)
        + number.substring(number.length() - 2);
  }

  /**
   * A device token: its first four characters and its length. A Web Push endpoint keeps its origin
   * (the push service, which tells nothing about the user) and hides the path that identifies the
   * subscription.
   */
  public static String token(String token) {
    if (token == null) {
      return null;
    }
    if (token.startsWith("https://")) {
      int slash = token.indexOf('/', "https://".length());
      return (slash < 0 ? token : token.substring(0, slash)) + "/…(" + token.length() + ")";
    }
    return (token.length() <= 8 ? "" : token.substring(0, 4)) + "…(" + token.length() + ")";
  }

  /** Masks an address of the given channel ({@code email}, {@code sms}, {@code push}). */
  public static String address(String channel, String address) {
    return switch (channel) {
      case "email" -> email(address);
      case "sms" -> phone(address);
      default -> token(address);
    };
  }
}
