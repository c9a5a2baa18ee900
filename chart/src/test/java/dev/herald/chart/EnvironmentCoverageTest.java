package dev.herald.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.api.queue.QueueNames;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every environment variable the components' code names can be set through the chart's values, and
 * the chart sets no HERALD_* variable the code does not read. The names are read from the sources
 * ({@code "HERALD_…"} and {@code "POD_…"} literals under {@code src/main}), so a setting added to
 * the code without a way to set it fails here.
 */
class EnvironmentCoverageTest {
  private static final Pattern NAME = Pattern.compile("\"((?:HERALD|POD)_[A-Z0-9_]+)\"");

  /**
   * Set by the chart for code on its way: the metrics and health server of both components reads
   * HERALD_METRICS_PORT.
   */
  private static final Set<String> AHEAD_OF_THE_CODE = Set.of("HERALD_METRICS_PORT");

  static Set<String> namesIn(String module) throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Chart.root().resolve(module).resolve("src/main/java"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher m = NAME.matcher(Files.readString(file));
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    }
    // JetStream names, not variables
    names.remove(QueueNames.DEFAULT.stream());
    names.remove(QueueNames.DEFAULT.deadLetterStream());
    return names;
  }

  private static Set<String> envOf(Deployment d) {
    return Rendered.env(d).keySet();
  }

  @Test
  void everyVariableTheCodeReadsIsSetByTheFullValues() throws IOException {
    Rendered full = Chart.renderFull();
    Set<String> operator = envOf(full.operator());
    Set<String> dispatcher = envOf(full.dispatcher());
    assertThat(operator).containsAll(namesIn("operator"));
    assertThat(dispatcher).containsAll(namesIn("dispatcher"));
    Set<String> both = new HashSet<>(operator);
    both.addAll(dispatcher);
    assertThat(both).containsAll(namesIn("core"));
    // the settings every process reads through core's StoreSettings and QueueSettings
    assertThat(operator).contains("HERALD_DB_URL", "HERALD_NATS_URL", "HERALD_UNSUBSCRIBE_KEY");
    assertThat(dispatcher).contains("HERALD_DB_URL", "HERALD_NATS_URL", "HERALD_UNSUBSCRIBE_KEY");
  }

  @Test
  void theChartSetsNoVariableTheCodeDoesNotRead() throws IOException {
    Set<String> known = new HashSet<>(namesIn("core"));
    known.addAll(namesIn("operator"));
    known.addAll(namesIn("dispatcher"));
    known.addAll(AHEAD_OF_THE_CODE);
    for (Rendered r : new Rendered[] {Chart.renderDefaults(), Chart.renderFull()}) {
      for (Deployment d : r.all(Deployment.class)) {
        assertThat(envOf(d))
            .filteredOn(n -> n.startsWith("HERALD_") || n.startsWith("POD_"))
            .as(d.getMetadata().getName())
            .isSubsetOf(known);
      }
    }
  }
}
