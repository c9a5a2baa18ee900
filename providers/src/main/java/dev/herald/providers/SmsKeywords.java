package dev.herald.providers;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/** The keywords an inbound SMS may be, as carriers match them, whatever the SMS provider. */
public final class SmsKeywords {
  /** The CTIA opt-out keywords (and Twilio's). */
  public static final Set<String> STOP =
      Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT");

  public static final Set<String> START = Set.of("START", "YES", "UNSTOP");
  public static final Set<String> HELP = Set.of("HELP", "INFO");

  /** The suppression reason an opt-out leaves, and the only one an opt-in lifts. */
  public static final String STOP_REASON = "stop";

  public static final String HELP_REPLY = "Reply STOP to unsubscribe, START to subscribe again.";

  private SmsKeywords() {}

  /**
   * A message as a keyword: the whole message, case-insensitive, without surrounding whitespace and
   * punctuation, with spaces, hyphens and underscores inside removed ({@code " Stop all! "} →
   * {@code STOPALL}, {@code opt-out} → {@code OPTOUT}), full-width letters read as letters.
   */
  public static String keyword(String body) {
    String s = Normalizer.normalize(body, Normalizer.Form.NFKC).toUpperCase(Locale.ROOT);
    s = s.replaceAll("^[\\s\\p{Punct}\\p{IsPunctuation}]+|[\\s\\p{Punct}\\p{IsPunctuation}]+$", "");
    return s.length() > 32 ? "" : s.replaceAll("[\\s_-]+", "");
  }

  /** What an inbound {@code body} from {@code from} reports: an opt-out, an opt-in, or nothing. */
  public static Receipt receipt(String from, String body) {
    String word = keyword(body == null ? "" : body);
    if (from != null && STOP.contains(word)) {
      return new Receipt.OptedOut(from);
    }
    if (from != null && START.contains(word)) {
      return new Receipt.OptedIn(from);
    }
    return null;
  }

  public static boolean asksForHelp(String body) {
    return HELP.contains(keyword(body == null ? "" : body));
  }
}
