package dev.herald.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.math.BigInteger;
import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Kubernetes-style durations: every input either parses to at most ten years or is refused by name. */
class DurationsTest {

  @Property(tries = 2000)
  void anyStringParsesWithinTheBoundOrIsRefusedWithAReason(@ForAll("durationLike") String text) {
    Throwable thrown = catchThrowable(() -> {
      Duration d = Durations.parse(text);
      assertThat(d).isBetween(Duration.ZERO, Durations.MAX);
    });
    if (thrown != null) {
      assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
      assertThat(thrown.getMessage()).isNotBlank().hasSizeLessThan(120);
    }
  }

  @Property(tries = 500)
  void wellFormedDurationsAddUpExactlyOrAreTooLong(@ForAll("parts") java.util.List<Part> parts) {
    String text = parts.stream().map(p -> p.amount + p.unit).reduce("", String::concat);
    BigInteger millis = parts.stream().map(Part::millis).reduce(BigInteger.ZERO, BigInteger::add);
    if (millis.compareTo(BigInteger.valueOf(Durations.MAX.toMillis())) <= 0) {
      assertThat(Durations.parse(text).toMillis()).isEqualTo(millis.longValueExact());
    } else {
      assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("longer than 3650 days");
    }
  }

  @Property(tries = 1)
  void theOverflowThatWasSeenIsRefused() {
    assertThatThrownBy(() -> Durations.parse("9223372036854775807h")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than");
  }

  record Part(BigInteger amount, String unit) {
    BigInteger millis() {
      long unit = switch (this.unit) {
        case "ms" -> 1;
        case "s" -> 1_000;
        case "m" -> 60_000;
        default -> 3_600_000;
      };
      return amount.multiply(BigInteger.valueOf(unit));
    }
  }

  @Provide
  Arbitrary<java.util.List<Part>> parts() {
    Arbitrary<BigInteger> amounts = Arbitraries.oneOf(Arbitraries.bigIntegers().between(BigInteger.ZERO,
        BigInteger.valueOf(100_000)), Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.TEN.pow(30)));
    return Combinators.combine(amounts, Arbitraries.of("ms", "s", "m", "h")).as(Part::new).list().ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<String> durationLike() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789mshd -.+").ofMaxLength(40),
        Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(30).map(n -> n + "h"),
        Arbitraries.strings().all().ofMaxLength(20));
  }
}
