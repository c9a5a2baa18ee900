package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code crds/} at the repository root is what users apply and the chart ships; it must be exactly
 * what the build generates from the Java model.
 */
class GeneratedCrdsAreCommittedTest {
  private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
  private static final Path COMMITTED = Path.of("../crds");
  private static final String HOW_TO_FIX =
      "crds/ is out of date with api/: run `cp api/target/classes/META-INF/fabric8/*-v1.yml crds/` and commit";

  @Test
  void committedCrdsMatchTheGeneratedOnes() throws IOException {
    List<String> generated = names(GENERATED);
    assertThat(generated)
        .as("generated CRDs")
        .containsExactlyInAnyOrder(
            "campaigns.herald.dev-v1.yml",
            "deliveryproviders.herald.dev-v1.yml",
            "notifications.herald.dev-v1.yml",
            "notificationtemplates.herald.dev-v1.yml");
    assertThat(names(COMMITTED)).as(HOW_TO_FIX).containsExactlyInAnyOrderElementsOf(generated);
    for (String name : generated) {
      assertThat(Files.readString(COMMITTED.resolve(name)))
          .as(HOW_TO_FIX + " (" + name + " differs)")
          .isEqualTo(Files.readString(GENERATED.resolve(name)));
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yml"))
          .sorted()
          .toList();
    }
  }
}
