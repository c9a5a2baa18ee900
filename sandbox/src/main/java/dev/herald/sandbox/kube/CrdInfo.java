package dev.herald.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the front needs to know of a CustomResourceDefinition stored in the mock: its names for
 * discovery, its versions, subresources, printer columns and schemas. Reads {@code
 * apiextensions.k8s.io/v1} CRDs and the older {@code v1beta1} layout (top-level version,
 * subresources and columns).
 */
record CrdInfo(
    String group,
    String plural,
    String singular,
    String kind,
    boolean namespaced,
    List<String> shortNames,
    List<String> categories,
    List<Version> versions) {

  /**
   * @param schema the version's {@code openAPIV3Schema} (a missing node when it has none)
   */
  record Version(
      String name,
      boolean served,
      boolean storage,
      boolean status,
      boolean scale,
      List<Column> columns,
      JsonNode schema) {}

  record Column(
      String name, String type, String format, String description, int priority, String jsonPath) {}

  /** The column kube-apiserver shows for a CRD that defines none. */
  static final Column DEFAULT_AGE =
      new Column(
          "Age",
          "date",
          "",
          "CreationTimestamp is a timestamp representing the server time when this object was created.",
          0,
          ".metadata.creationTimestamp");

  static Optional<CrdInfo> from(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    JsonNode names = spec.path("names");
    String group = spec.path("group").asText("");
    String plural = names.path("plural").asText("");
    if (group.isEmpty() || plural.isEmpty()) {
      return Optional.empty();
    }
    String kind = names.path("kind").asText("");
    String singular = names.path("singular").asText(kind.toLowerCase(java.util.Locale.ROOT));
    boolean namespaced = !"Cluster".equals(spec.path("scope").asText("Namespaced"));

    List<Version> versions = new ArrayList<>();
    JsonNode topColumns = spec.path("additionalPrinterColumns");
    JsonNode topSubresources = spec.path("subresources");
    JsonNode topSchema = spec.path("validation").path("openAPIV3Schema");
    if (spec.path("versions").isArray() && !spec.path("versions").isEmpty()) {
      for (JsonNode v : spec.path("versions")) {
        JsonNode subresources = v.has("subresources") ? v.path("subresources") : topSubresources;
        JsonNode columns =
            v.has("additionalPrinterColumns") ? v.path("additionalPrinterColumns") : topColumns;
        versions.add(
            new Version(
                v.path("name").asText(),
                v.path("served").asBoolean(true),
                v.path("storage").asBoolean(false),
                subresources.has("status"),
                subresources.has("scale"),
                columns(columns),
                v.has("schema") ? v.path("schema").path("openAPIV3Schema") : topSchema));
      }
    } else if (spec.hasNonNull("version")) {
      versions.add(
          new Version(
              spec.path("version").asText(),
              true,
              true,
              topSubresources.has("status"),
              topSubresources.has("scale"),
              columns(topColumns),
              topSchema));
    }
    return Optional.of(
        new CrdInfo(
            group,
            plural,
            singular,
            kind,
            namespaced,
            strings(names.path("shortNames")),
            strings(names.path("categories")),
            versions));
  }

  Optional<Version> version(String name) {
    return versions.stream().filter(v -> v.served() && v.name().equals(name)).findFirst();
  }

  /** The printer columns of {@code version} (never empty: Age when the CRD defines none). */
  List<Column> columns(String version) {
    List<Column> columns = version(version).map(Version::columns).orElse(List.of());
    return columns.isEmpty() ? List.of(DEFAULT_AGE) : columns;
  }

  private static List<Column> columns(JsonNode array) {
    List<Column> columns = new ArrayList<>();
    for (JsonNode c : array) {
      String path = c.has("jsonPath") ? c.path("jsonPath").asText() : c.path("JSONPath").asText();
      columns.add(
          new Column(
              c.path("name").asText(),
              c.path("type").asText("string"),
              c.path("format").asText(""),
              c.path("description")
                  .asText("Custom resource definition column (in JSONPath format): " + path),
              c.path("priority").asInt(0),
              path));
    }
    return columns;
  }

  private static List<String> strings(JsonNode array) {
    List<String> list = new ArrayList<>();
    array.forEach(n -> list.add(n.asText()));
    return List.copyOf(list);
  }
}
