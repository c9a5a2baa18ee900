package dev.herald.operator.http;

/** Checks on text that reaches Postgres, headers and logs. */
final class Text {
  private Text() {}

  /** Whether {@code s} holds a C0 control character, DEL or a C1 control character. */
  static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why {@code s} cannot be stored as text, or null: a NUL character (Postgres text and jsonb
   * refuse it) or half of a surrogate pair (not Unicode; it would be stored as {@code ?}).
   */
  static String unstorable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) {
        return "must not contain a NUL character";
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "must not contain an unpaired UTF-16 surrogate";
      }
    }
    return null;
  }
}
