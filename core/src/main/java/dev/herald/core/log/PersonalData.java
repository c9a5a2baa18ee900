package dev.herald.core.log;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The log encoders' safety net behind {@link Mask}: code masks the addresses it logs, and whatever
 * still looks like an e-mail address or an E.164 phone number in a finished log line (an exception
 * message quoting one, a log statement that forgot) is masked the same way before it is written.
 * Already masked values ({@code a***@example.com}, {@code +49*******78}) do not match again.
 */
public final class PersonalData {
  private static final Pattern ADDRESS =
      Pattern.compile(
          "(?<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})"
              + "|(?<phone>(?<![\\w+])\\+[1-9][0-9]{6,14}(?![0-9]))");

  private PersonalData() {}

  /** {@code text} with every e-mail address and E.164 number in it masked. */
  public static String scrub(String text) {
    if (text == null || (text.indexOf('@') < 0 && text.indexOf('+') < 0)) {
      return text;
    }
    Matcher m = ADDRESS.matcher(text);
    StringBuilder out = null;
    while (m.find()) {
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      String masked = m.group("email") != null ? Mask.email(m.group()) : Mask.phone(m.group());
      m.appendReplacement(out, Matcher.quoteReplacement(masked));
    }
    if (out == null) {
      return text;
    }
    m.appendTail(out);
    return out.toString();
  }
}
