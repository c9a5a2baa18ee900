package dev.herald.operator.validation;

import java.util.regex.Pattern;

/**
 * A schema's {@code pattern} as the API server matches it. The API server uses Go's regexp, where
 * {@code $} (without the multi-line flag) matches only at the very end of the text; Java's {@code
 * $} also matches just before a final line terminator, which would let {@code "09:00\n"} through
 * {@code ^[0-9]{2}:[0-9]{2}$}. Each {@code $} that is an anchor becomes {@code \z}.
 */
final class ApiServerPatterns {
  private ApiServerPatterns() {}

  static Pattern compile(String pattern) {
    return Pattern.compile(anchoredAtEnd(pattern));
  }

  /**
   * {@code pattern} with every unescaped {@code $} outside a character class replaced by {@code
   * \z}.
   */
  static String anchoredAtEnd(String pattern) {
    StringBuilder out = new StringBuilder(pattern.length() + 4);
    int classDepth = 0;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        out.append(c).append(pattern.charAt(++i));
      } else if (c == '[') {
        classDepth++;
        out.append(c);
        // a ']' right after '[' or '[^' is a literal member, not the class's end
        if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '^') {
          out.append(pattern.charAt(++i));
        }
        if (i + 1 < pattern.length() && pattern.charAt(i + 1) == ']') {
          out.append(pattern.charAt(++i));
        }
      } else if (c == ']' && classDepth > 0) {
        classDepth--;
        out.append(c);
      } else if (c == '$' && classDepth == 0) {
        out.append("\\z");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
