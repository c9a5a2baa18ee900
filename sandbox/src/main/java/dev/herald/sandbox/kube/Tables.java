package dev.herald.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Server-side printing for custom resources, as kube-apiserver does it: a {@code meta.k8s.io/v1
 * Table} whose columns are {@code Name} and the CRD's {@code additionalPrinterColumns} (or
 * {@code Age} when it defines none), one row per object, cells typed like the column
 * ({@code integer}, {@code number}, {@code boolean}, {@code string}, and {@code date} rendered as an
 * age such as {@code 5m12s}). kubectl asks for it with
 * {@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}.
 */
final class Tables {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** What each row carries besides its cells ({@code ?includeObject=}). */
  enum IncludeObject {
    NONE, METADATA, OBJECT;

    static IncludeObject of(String param) {
      if (param == null || param.isEmpty()) {
        return METADATA;
      }
      return switch (param.toLowerCase(Locale.ROOT)) {
        case "none" -> NONE;
        case "object" -> OBJECT;
        default -> METADATA;
      };
    }
  }

  private record CompiledColumn(CrdInfo.Column column, SimpleJsonPath path) {}

  private final List<CompiledColumn> columns;
  private final Clock clock;

  Tables(List<CrdInfo.Column> columns, Clock clock) {
    List<CompiledColumn> compiled = new ArrayList<>();
    for (CrdInfo.Column c : columns) {
      SimpleJsonPath path;
      try {
        path = SimpleJsonPath.parse(c.jsonPath());
      } catch (IllegalArgumentException e) {
        path = null; // an unsupported expression: the column shows <none>
      }
      compiled.add(new CompiledColumn(c, path));
    }
    this.columns = compiled;
    this.clock = clock;
  }

  /**
   * The table for a list ({@code items}) or a single object, with the column definitions unless
   * {@code noHeaders}.
   */
  ObjectNode table(JsonNode listOrObject, IncludeObject include, boolean noHeaders) {
    ObjectNode table = NODES.objectNode();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    ObjectNode metadata = table.putObject("metadata");
    JsonNode sourceMeta = listOrObject.path("metadata");
    boolean isList = listOrObject.has("items") && listOrObject.path("items").isArray();
    if (isList) {
      copyText(sourceMeta, metadata, "resourceVersion");
      copyText(sourceMeta, metadata, "continue");
      if (sourceMeta.has("remainingItemCount")) {
        metadata.set("remainingItemCount", sourceMeta.get("remainingItemCount"));
      }
    } else {
      copyText(sourceMeta, metadata, "resourceVersion");
    }
    table.set("columnDefinitions", noHeaders ? NODES.arrayNode() : columnDefinitions());
    ArrayNode rows = table.putArray("rows");
    if (isList) {
      listOrObject.path("items").forEach(item -> rows.add(row(item, include)));
    } else {
      rows.add(row(listOrObject, include));
    }
    return table;
  }

  private ArrayNode columnDefinitions() {
    ArrayNode defs = NODES.arrayNode();
    defs.addObject()
        .put("name", "Name").put("type", "string").put("format", "name")
        .put("description", "Name must be unique within a namespace. Is required when creating "
            + "resources, although some resources may allow a client to request the generation of "
            + "an appropriate name automatically. Name is primarily intended for creation "
            + "idempotence and configuration definition. Cannot be updated. More info: "
            + "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names")
        .put("priority", 0);
    for (CompiledColumn c : columns) {
      defs.addObject()
          .put("name", c.column().name())
          .put("type", c.column().type())
          .put("format", c.column().format())
          .put("description", c.column().description())
          .put("priority", c.column().priority());
    }
    return defs;
  }

  private ObjectNode row(JsonNode object, IncludeObject include) {
    ObjectNode row = NODES.objectNode();
    ArrayNode cells = row.putArray("cells");
    cells.add(object.path("metadata").path("name").asText(""));
    for (CompiledColumn c : columns) {
      cells.add(cell(c, object));
    }
    switch (include) {
      case OBJECT -> row.set("object", object);
      case METADATA -> {
        ObjectNode partial = row.putObject("object");
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", object.path("metadata").deepCopy());
      }
      case NONE -> { }
    }
    return row;
  }

  private JsonNode cell(CompiledColumn c, JsonNode object) {
    if (c.path() == null) {
      return NODES.nullNode();
    }
    JsonNode value = c.path().first(object);
    if (value == null || value.isNull() || value.isMissingNode()) {
      return NODES.nullNode();
    }
    return switch (c.column().type()) {
      case "integer" -> value.isNumber() ? NODES.numberNode(value.asLong()) : NODES.nullNode();
      case "number" -> value.isNumber() ? NODES.numberNode(value.asDouble()) : NODES.nullNode();
      case "boolean" -> value.isBoolean() ? value : NODES.nullNode();
      case "date" -> value.isTextual() ? NODES.textNode(age(value.asText())) : NODES.nullNode();
      case "string" -> NODES.textNode(text(value));
      default -> NODES.nullNode();
    };
  }

  private String age(String timestamp) {
    try {
      return HumanDuration.format(Duration.between(Instant.parse(timestamp), clock.instant()));
    } catch (DateTimeParseException e) {
      return "<invalid>";
    }
  }

  /** How kubectl's JSONPath printer shows a value: strings bare, anything else as JSON. */
  private static String text(JsonNode value) {
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isValueNode()) {
      return value.asText();
    }
    return value.toString();
  }

  private static void copyText(JsonNode from, ObjectNode to, String field) {
    if (from.hasNonNull(field) && !from.path(field).asText().isEmpty()) {
      to.put(field, from.path(field).asText());
    }
  }
}
