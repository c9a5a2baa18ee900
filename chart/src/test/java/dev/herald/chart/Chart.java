package dev.herald.chart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The chart at {@code helm/herald}, linted and rendered by Helm's own library (helm-java). */
final class Chart {
  static final String RELEASE = "herald";
  static final String NAMESPACE = "herald-system";

  /** The cluster rendered for (helm-java defaults to 1.20, older than the chart supports). */
  static final String KUBE_VERSION = "1.31.0";

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Chart() {}

  /** The root of the source tree (the chart module's parent). */
  static Path root() {
    return Path.of(System.getProperty("herald.root", "..")).toAbsolutePath().normalize();
  }

  static Path dir() {
    return root().resolve("helm/herald");
  }

  static Path fullValues() {
    return dir().resolve("ci/full-values.yaml");
  }

  /** {@code helm template} of the release {@value #RELEASE} in {@value #NAMESPACE}. */
  static Rendered render(Path valuesFile, Map<String, Object> sets) {
    return render(dir(), valuesFile, sets);
  }

  /** {@code helm template} of the chart in {@code chartDir} (a changed copy). */
  static Rendered render(Path chartDir, Path valuesFile, Map<String, Object> sets) {
    TemplateCommand template =
        new Helm(chartDir)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    if (valuesFile != null) {
      template = template.withValuesFile(valuesFile);
    }
    for (Map.Entry<String, Object> set : sets.entrySet()) {
      template = template.set(set.getKey(), set.getValue());
    }
    return new Rendered(parse(template.call()));
  }

  static Rendered renderDefaults() {
    return render(null, Map.of());
  }

  static Rendered renderFull() {
    return render(fullValues(), Map.of());
  }

  /** {@code helm lint --strict} of the chart as it is (its own values.yaml). */
  static LintResult lint(Path chartDir) {
    return new Helm(chartDir).lint().strict().call();
  }

  /**
   * A copy of the chart in {@code into} whose values.yaml is the chart's with {@code overrides}
   * merged in, as Helm merges a values file: helm-java's lint takes no values file.
   */
  @SuppressWarnings("unchecked")
  static Path copyWithValues(Path overrides, Path into) throws IOException {
    try (Stream<Path> files = Files.walk(dir())) {
      for (Path from : (Iterable<Path>) files::iterator) {
        Path to = into.resolve(dir().relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to);
        }
      }
    }
    Map<String, Object> values = YAML.readValue(dir().resolve("values.yaml").toFile(), Map.class);
    Map<String, Object> extra = YAML.readValue(overrides.toFile(), Map.class);
    YAML.writeValue(into.resolve("values.yaml").toFile(), merge(values, extra));
    return into;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
    Map<String, Object> out = new LinkedHashMap<>(base);
    over.forEach(
        (k, v) -> {
          if (v instanceof Map<?, ?> m && out.get(k) instanceof Map<?, ?> b) {
            out.put(k, merge((Map<String, Object>) b, (Map<String, Object>) m));
          } else {
            out.put(k, v);
          }
        });
    return out;
  }

  /** Each YAML document of Helm's output as a fabric8 object (generic for kinds it lacks). */
  static List<HasMetadata> parse(String manifests) {
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : manifests.split("(?m)^---\\s*$")) {
      boolean empty =
          doc.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("#"));
      if (!empty) {
        out.add(SERIALIZATION.unmarshal(doc, HasMetadata.class));
      }
    }
    return out;
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
