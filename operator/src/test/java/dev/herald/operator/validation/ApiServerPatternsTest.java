package dev.herald.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Schema patterns match as the API server's Go regexp does: {@code $} only at the very end. */
class ApiServerPatternsTest {

  @Test
  void aTrailingLineBreakDoesNotSatisfyAnEndAnchor() {
    Pattern time = ApiServerPatterns.compile("^[0-9]{2}:[0-9]{2}$");
    assertThat(time.matcher("09:00").find()).isTrue();
    assertThat(time.matcher("09:00\n").find()).isFalse();
    assertThat(time.matcher("09:00\r\n").find()).isFalse();
    assertThat(Pattern.compile("^[0-9]{2}:[0-9]{2}$").matcher("09:00\n").find())
        .as("what Java's own $ would have let through")
        .isTrue();
  }

  @Test
  void aDollarThatIsNotAnAnchorStaysALiteral() {
    assertThat(ApiServerPatterns.anchoredAtEnd("^[$a-z]+\\$$")).isEqualTo("^[$a-z]+\\$\\z");
    assertThat(ApiServerPatterns.anchoredAtEnd("^[]$]x$")).isEqualTo("^[]$]x\\z");
    assertThat(ApiServerPatterns.anchoredAtEnd("^[^]$]x$")).isEqualTo("^[^]$]x\\z");
    assertThat(ApiServerPatterns.anchoredAtEnd("^(a$|b$)")).isEqualTo("^(a\\z|b\\z)");
    assertThat(ApiServerPatterns.compile("^[$]+$").matcher("$$").find()).isTrue();
  }

  @Property(tries = 200)
  void withoutLineBreaksTheTranslationMatchesWhatJavaMatched(
      @ForAll @AlphaChars @StringLength(max = 20) String text) {
    String[] patterns = {"^[a-z]+$", "^[A-Za-z]*$", "^(ab|[c-z])+$", "^x?$"};
    for (String p : patterns) {
      assertThat(ApiServerPatterns.compile(p).matcher(text).find())
          .as(p)
          .isEqualTo(Pattern.compile(p).matcher(text).find());
    }
  }
}
