package dev.herald.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HumanDurationTest {
  @Test
  void rendersAgesLikeKubectl() {
    assertThat(HumanDuration.format(Duration.ofSeconds(-5))).isEqualTo("<invalid>");
    assertThat(HumanDuration.format(Duration.ofMillis(-500))).isEqualTo("0s");
    assertThat(HumanDuration.format(Duration.ofSeconds(0))).isEqualTo("0s");
    assertThat(HumanDuration.format(Duration.ofSeconds(119))).isEqualTo("119s");
    assertThat(HumanDuration.format(Duration.ofSeconds(120))).isEqualTo("2m");
    assertThat(HumanDuration.format(Duration.ofSeconds(192))).isEqualTo("3m12s");
    assertThat(HumanDuration.format(Duration.ofMinutes(42))).isEqualTo("42m");
    assertThat(HumanDuration.format(Duration.ofMinutes(5 * 60 + 4))).isEqualTo("5h4m");
    assertThat(HumanDuration.format(Duration.ofHours(7))).isEqualTo("7h");
    assertThat(HumanDuration.format(Duration.ofHours(30))).isEqualTo("30h");
    assertThat(HumanDuration.format(Duration.ofHours(51))).isEqualTo("2d3h");
    assertThat(HumanDuration.format(Duration.ofDays(100))).isEqualTo("100d");
    assertThat(HumanDuration.format(Duration.ofDays(3 * 365 + 10))).isEqualTo("3y10d");
    assertThat(HumanDuration.format(Duration.ofDays(9 * 365))).isEqualTo("9y");
  }
}
