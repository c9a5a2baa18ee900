package dev.herald.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart installs the CRDs the api module generates (committed under {@code crds/}), byte for
 * byte: after a model change, copy {@code crds/*.yml} to {@code helm/herald/crds/}.
 */
class CrdCopyTest {
  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theChartsCrdsAreTheGeneratedOnes() throws IOException {
    Path generated = Chart.root().resolve("crds");
    Path chart = Chart.dir().resolve("crds");
    assertThat(names(generated)).isNotEmpty();
    assertThat(names(chart)).isEqualTo(names(generated));
    for (String name : names(generated)) {
      assertThat(Files.readAllBytes(chart.resolve(name)))
          .as("helm/herald/crds/%s differs from crds/%s: copy it", name, name)
          .isEqualTo(Files.readAllBytes(generated.resolve(name)));
    }
  }
}
