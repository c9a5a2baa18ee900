package dev.herald.providers;

import dev.herald.core.log.Mask;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Provider text made fit for a {@link SendResult} message, a log line or a status: providers echo
 * what they were sent (Twilio names the phone number in its errors), so the recipient's address and
 * any international phone number are masked, and the text is kept short.
 */
public final class ProviderText {
  /** Longest message kept. */
  public static final int MAX_LENGTH = 300;

  /** An international number as providers echo it: {@code +} and at least seven digits. */
  private static final Pattern PHONE = Pattern.compile("\\+[0-9][0-9 ().-]{5,}[0-9]");

  private ProviderText() {}

  /**
   * {@code text} with {@code address} (of {@code channel}) and any phone number masked, shortened.
   */
  public static String clean(String text, String channel, String address) {
    if (text == null || text.isBlank()) {
      return "(no message)";
    }
    String out = text;
    if (address != null && !address.isEmpty()) {
      out = out.replace(address, Mask.address(channel, address));
    }
    Matcher phones = PHONE.matcher(out);
    StringBuilder masked = new StringBuilder();
    while (phones.find()) {
      String number = phones.group().replaceAll("[^0-9+]", "");
      phones.appendReplacement(
          masked,
          Matcher.quoteReplacement(number.length() > 7 ? Mask.phone(number) : phones.group()));
    }
    phones.appendTail(masked);
    out = masked.toString();
    return out.length() > MAX_LENGTH ? out.substring(0, MAX_LENGTH) + "…" : out;
  }
}
