package dev.herald.sandbox.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code ./herald faults --quick}, as part of every test run: real processes killed, restarted and
 * paused mid-traffic, and at the simulator nothing lost and nothing doubled beyond each fault's
 * window.
 */
class FaultSuiteQuickTest {
  @Test
  void nothingIsLostAndDuplicatesStayWithinTheirWindowInEveryScenario() throws Exception {
    Path out = Path.of("target", "faults");
    boolean passed = FaultsCommand.run(true, out);

    JsonNode report = Json.MAPPER.readTree(Files.readString(out.resolve("faults.json")));
    assertThat(report.path("scenarios"))
        .hasSize(new FaultSuite(true, System.out).scenarios().size());
    for (JsonNode scenario : report.path("scenarios")) {
      assertThat(scenario.path("lost").asInt())
          .as("lost in %s", scenario.path("scenario").asText())
          .isZero();
      assertThat(scenario.path("duplicated").asInt())
          .as("duplicated in %s", scenario.path("scenario").asText())
          .isLessThanOrEqualTo(scenario.path("duplicateWindow").asInt());
      assertThat(scenario.path("delivered").asInt()).isEqualTo(scenario.path("deliveries").asInt());
    }
    assertThat(passed).isTrue();
  }
}
