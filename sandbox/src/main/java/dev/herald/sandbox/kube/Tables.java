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
import java.util.function.Function;

/**
 * Server-side printing, as kube-apiserver does it: a {@code meta.k8s.io/v1 Table} with one row per
 * object. kubectl asks for it with {@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io} and
 * shows the columns of priority 0 (all of them with {@code -o wide}). A custom resource's columns
 * ({@link #forCrd}) are {@code Name} and the CRD's {@code additionalPrinterColumns} (or {@code Age}
 * when it defines none), cells typed like the column ({@code integer}, {@code number}, {@code
 * boolean}, {@code string}, and {@code date} rendered as an age such as {@code 5m12s}); built-in
 * kinds bring their own columns ({@link EventColumns}).
 */
final class Tables {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** What each row carries besides its cells ({@code ?includeObject=}). */
  enum IncludeObject {
    NONE,
    METADATA,
    OBJECT;

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

  /**
   * One column of a table: its definition, and how its cell is read from an object ({@code null}
   * shows as {@code <none>}).
   */
  record Column(
      String name,
      String type,
      String format,
      String description,
      int priority,
      Function<JsonNode, JsonNode> cell) {}

  /** The Name column kube-apiserver puts first in a custom resource's table. */
  static final Column NAME =
      new Column(
          "Name",
          "string",
          "name",
          "Name must be unique within a namespace. Is required when creating resources, although "
              + "some resources may allow a client to request the generation of an appropriate name "
              + "automatically. Name is primarily intended for creation idempotence and configuration "
              + "definition. Cannot be updated. More info: "
              + "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
          0,
          object -> NODES.textNode(object.path("metadata").path("name").asText("")));

  private final List<Column> columns;

  private Tables(List<Column> columns) {
    this.columns = List.copyOf(columns);
  }

  /** A table of exactly these columns. */
  static Tables of(List<Column> columns) {
    return new Tables(columns);
  }

  /** A custom resource's table: Name, then the CRD's printer columns. */
  static Tables forCrd(List<CrdInfo.Column> printerColumns, Clock clock) {
    List<Column> columns = new ArrayList<>();
    columns.add(NAME);
    for (CrdInfo.Column c : printerColumns) {
      SimpleJsonPath path;
      try {
        path = SimpleJsonPath.parse(c.jsonPath());
      } catch (IllegalArgumentException e) {
        path = null; // an unsupported expression: the column shows <none>
      }
      SimpleJsonPath compiled = path;
      columns.add(
          new Column(
              c.name(),
              c.type(),
              c.format(),
              c.description(),
              c.priority(),
              object -> cell(c.type(), compiled, object, clock)));
    }
    return new Tables(columns);
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
    for (Column c : columns) {
      defs.addObject()
          .put("name", c.name())
          .put("type", c.type())
          .put("format", c.format())
          .put("description", c.description())
          .put("priority", c.priority());
    }
    return defs;
  }

  private ObjectNode row(JsonNode object, IncludeObject include) {
    ObjectNode row = NODES.objectNode();
    ArrayNode cells = row.putArray("cells");
    for (Column c : columns) {
      JsonNode cell = c.cell().apply(object);
      cells.add(cell == null ? NODES.nullNode() : cell);
    }
    switch (include) {
      case OBJECT -> row.set("object", object);
      case METADATA -> {
        ObjectNode partial = row.putObject("object");
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", object.path("metadata").deepCopy());
      }
      case NONE -> {}
    }
    return row;
  }

  private static JsonNode cell(String type, SimpleJsonPath path, JsonNode object, Clock clock) {
    if (path == null) {
      return NODES.nullNode();
    }
    JsonNode value = path.first(object);
    if (value == null || value.isNull() || value.isMissingNode()) {
      return NODES.nullNode();
    }
    return switch (type) {
      case "integer" -> value.isNumber() ? NODES.numberNode(value.asLong()) : NODES.nullNode();
      case "number" -> value.isNumber() ? NODES.numberNode(value.asDouble()) : NODES.nullNode();
      case "boolean" -> value.isBoolean() ? value : NODES.nullNode();
      case "date" ->
          value.isTextual() ? NODES.textNode(age(value.asText(), clock)) : NODES.nullNode();
      case "string" -> NODES.textNode(text(value));
      default -> NODES.nullNode();
    };
  }

  /** {@code timestamp} as an age ({@code 5m12s}), as kubectl shows it. */
  static String age(String timestamp, Clock clock) {
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
