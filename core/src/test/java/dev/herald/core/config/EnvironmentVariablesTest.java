package dev.herald.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A bad setting stops the process with the variable's name and its range in the message. */
class EnvironmentVariablesTest {

  @Test
  void everyBadValueNamesItsVariable() {
    for (String bad : new String[] {"ten", "1e3", "-5", "99999999999999999999", "0"}) {
      assertThatThrownBy(() -> StoreSettings.fromEnv(Map.of("HERALD_DB_POOL", bad)))
          .as(bad)
          .hasMessageStartingWith("HERALD_DB_POOL must be")
          .hasMessageContaining("1000");
      assertThatThrownBy(() -> QueueSettings.fromEnv(Map.of("HERALD_ACK_WAIT_SECONDS", bad)))
          .as(bad)
          .hasMessageStartingWith("HERALD_ACK_WAIT_SECONDS must be");
      assertThatThrownBy(
              () -> RetentionSettings.fromEnv(Map.of("HERALD_RETENTION_DAYS", bad + "x")))
          .hasMessageStartingWith("HERALD_RETENTION_DAYS must be");
    }
  }

  @Test
  void unsetOrBlankTakesTheDefault() {
    EnvironmentVariables vars = new EnvironmentVariables(Map.of("A", " ", "B", " 42 "));
    assertThat(vars.number("A", 7, 0, 100)).isEqualTo(7);
    assertThat(vars.number("B", 7, 0, 100)).isEqualTo(42);
    assertThat(vars.seconds("C", Duration.ofSeconds(3), 1, 10)).isEqualTo(Duration.ofSeconds(3));
  }
}
