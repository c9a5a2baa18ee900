package dev.herald.core.log;

/**
 * Text made safe for a status condition, an Event, a log line or a problem's detail: every control
 * character (C0, DEL, C1, the Unicode line and paragraph separators) is written as a visible {@code
 * \}{@code uXXXX} escape, so that input cannot add lines, NUL bytes or terminal sequences.
 */
public final class Printable {
  private Printable() {}

  public static String of(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean control = c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029';
      if (control && out == null) {
        out = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (out != null) {
        if (control) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? s : out.toString();
  }
}
