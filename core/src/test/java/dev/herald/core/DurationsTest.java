package dev.herald.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Durations of any size or shape parse, or fail with the limit named: never an overflow. */
class DurationsTest {
  private static final Duration MAX = Duration.ofDays(30);
  private static final String[] UNITS = {"ms", "s", "m", "h"};
  private static final long[] MILLIS = {1, 1_000, 60_000, 3_600_000};

  /** A number of any size: small ones, ones near the limits of long, and ones far beyond. */
  private static String number(Random random) {
    return switch (random.nextInt(5)) {
      case 0 -> Integer.toString(random.nextInt(1000));
      case 1 -> Long.toString(Math.abs(random.nextLong()));
      case 2 -> Long.toString(Long.MAX_VALUE - random.nextInt(3));
      case 3 -> "0".repeat(random.nextInt(30)) + random.nextInt(100);
      default -> new BigInteger(200, random).toString();
    };
  }

  @Test
  void everyWellFormedDurationParsesExactlyOrIsRefusedAsTooLong() {
    Random random = new Random(10);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder text = new StringBuilder();
      BigInteger millis = BigInteger.ZERO;
      for (int p = 0; p <= random.nextInt(4); p++) {
        String n = number(random);
        int unit = random.nextInt(UNITS.length);
        text.append(n).append(UNITS[unit]);
        millis = millis.add(new BigInteger(n).multiply(BigInteger.valueOf(MILLIS[unit])));
      }
      String input = text.toString();
      if (millis.compareTo(BigInteger.valueOf(MAX.toMillis())) <= 0) {
        assertThat(Durations.parse(input, MAX).toMillis())
            .as(input)
            .isEqualTo(millis.longValueExact());
      } else {
        assertThatThrownBy(() -> Durations.parse(input, MAX))
            .as(input)
            .isExactlyInstanceOf(IllegalArgumentException.class)
            .hasMessage("must be at most 720h");
      }
    }
  }

  @Test
  void anyOtherTextIsNotADuration() {
    Random random = new Random(11);
    String alphabet = "0123456789hmsx .-+";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int c = random.nextInt(12); c >= 0; c--) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String input = text.toString();
      try {
        assertThat(Durations.parse(input, MAX)).isBetween(Duration.ZERO, MAX);
      } catch (IllegalArgumentException e) {
        assertThat(e).as(input).isExactlyInstanceOf(IllegalArgumentException.class);
        assertThat(e.getMessage())
            .as(input)
            .matches("not a duration: .*|must be at most 720h|empty duration");
      }
    }
  }

  @Test
  void theIssuesDurationIsRefusedByItsLimit() {
    assertThatThrownBy(() -> Durations.parse("9223372036854775807h", MAX))
        .hasMessage("must be at most 720h");
    assertThatThrownBy(() -> Durations.parse("9223372036854775807h")).hasMessage("too long");
    assertThat(Durations.parse("1h30m", MAX)).isEqualTo(Duration.ofMinutes(90));
  }
}
