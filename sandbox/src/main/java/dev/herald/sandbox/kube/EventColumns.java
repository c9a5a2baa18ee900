package dev.herald.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/**
 * The columns kube-apiserver prints for an Event ({@code kubectl get events}): LAST SEEN, TYPE,
 * REASON, OBJECT, MESSAGE, and with {@code -o wide} SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME. A
 * port of {@code printEvent} in {@code pkg/printers/internalversion}; reads a {@code core/v1} Event
 * or its {@code events.k8s.io/v1} form ({@link EventsV1}).
 */
final class EventColumns {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private EventColumns() {}

  static Tables table(Clock clock) {
    return Tables.of(
        List.of(
            column(
                "Last Seen",
                0,
                "Time when this Event was last observed.",
                e -> NODES.textNode(lastSeen(e, clock))),
            column(
                "Type",
                0,
                "Type of this event (Normal, Warning), new types could be added in the " + "future",
                e -> text(e.path("type"))),
            column(
                "Reason",
                0,
                "This should be a short, machine understandable string that gives the "
                    + "reason for the transition into the object's current status.",
                e -> text(e.path("reason"))),
            column(
                "Object",
                0,
                "The object that this event is about.",
                e -> NODES.textNode(object(regarding(e)))),
            column(
                "Subobject",
                1,
                "If referring to a piece of an object instead of an entire object, "
                    + "this string should contain a valid JSON/Go field access statement.",
                e -> text(regarding(e).path("fieldPath"))),
            column(
                "Source", 1, "The component reporting this event.", e -> NODES.textNode(source(e))),
            column(
                "Message",
                0,
                "A human-readable description of the status of this operation.",
                e -> NODES.textNode(first(e, "message", "note").trim())),
            column(
                "First Seen",
                1,
                "The time at which the event was first recorded.",
                e -> NODES.textNode(firstSeen(e, clock))),
            new Tables.Column(
                "Count",
                "string",
                "",
                "The number of times this event has occurred.",
                1,
                e -> NODES.numberNode(count(e))),
            new Tables.Column(
                "Name", "string", "name", Tables.NAME.description(), 1, Tables.NAME.cell())));
  }

  private static Tables.Column column(
      String name,
      int priority,
      String description,
      java.util.function.Function<JsonNode, JsonNode> cell) {
    return new Tables.Column(name, "string", "", description, priority, cell);
  }

  private static String firstSeen(JsonNode e, Clock clock) {
    String first = first(e, "firstTimestamp", "deprecatedFirstTimestamp");
    return since(first.isEmpty() ? e.path("eventTime").asText("") : first, clock);
  }

  private static String lastSeen(JsonNode e, Clock clock) {
    String series = e.path("series").path("lastObservedTime").asText("");
    if (!series.isEmpty()) {
      return since(series, clock);
    }
    String last = first(e, "lastTimestamp", "deprecatedLastTimestamp");
    return last.isEmpty() ? firstSeen(e, clock) : since(last, clock);
  }

  private static long count(JsonNode e) {
    if (e.path("series").has("count")) {
      return e.path("series").path("count").asLong();
    }
    long count = e.has("count") ? e.path("count").asLong() : e.path("deprecatedCount").asLong();
    return count == 0 ? 1 : count; // singleton events of the new API carry no count
  }

  private static JsonNode regarding(JsonNode e) {
    return e.has("involvedObject") ? e.path("involvedObject") : e.path("regarding");
  }

  private static String object(JsonNode ref) {
    String kind = ref.path("kind").asText("").toLowerCase(Locale.ROOT);
    String name = ref.path("name").asText("");
    return name.isEmpty() ? kind : kind + "/" + name;
  }

  private static String source(JsonNode e) {
    JsonNode source = e.has("source") ? e.path("source") : e.path("deprecatedSource");
    String component = source.path("component").asText("");
    if (component.isEmpty()) {
      component = first(e, "reportingComponent", "reportingController");
    }
    String host = source.path("host").asText("");
    if (host.isEmpty()) {
      host = e.path("reportingInstance").asText("");
    }
    return host.isEmpty() ? component : component + ", " + host;
  }

  private static String since(String timestamp, Clock clock) {
    return timestamp.isEmpty() ? "<unknown>" : Tables.age(timestamp, clock);
  }

  private static String first(JsonNode e, String field, String otherwise) {
    String value = e.path(field).asText("");
    return value.isEmpty() ? e.path(otherwise).asText("") : value;
  }

  private static JsonNode text(JsonNode value) {
    return NODES.textNode(value.isValueNode() ? value.asText() : "");
  }
}
