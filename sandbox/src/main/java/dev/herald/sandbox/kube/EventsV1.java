package dev.herald.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code events.k8s.io/v1} as a read-only view of the {@code core/v1} Events the mock holds, as
 * kube-apiserver serves both from one store (the mock keeps them apart, so an Event written in one
 * API would be missing from the other). Newer kubectl and client libraries read Events here ({@code
 * regarding}, {@code note}, {@code reportingController}); writes are refused.
 */
final class EventsV1 {
  static final String GROUP = "events.k8s.io";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private EventsV1() {}

  /** Whether {@code api} names Events of {@code events.k8s.io/v1}. */
  static boolean isEventsV1(ApiPath api) {
    return api.group().equals(GROUP)
        && api.version().equals("v1")
        && api.resource().equals("events");
  }

  /** Whether {@code api} names Events of either API. */
  static boolean isEvents(ApiPath api) {
    return api.resource().equals("events") && (api.group().isEmpty() || isEventsV1(api));
  }

  /** The same Events in {@code core/v1}, where the mock keeps them. */
  static ApiPath corePath(ApiPath api) {
    return new ApiPath("", "v1", api.namespace(), "events", api.name(), api.subresource());
  }

  /** A {@code core/v1} Event in its {@code events.k8s.io/v1} form (Kubernetes' own conversion). */
  static ObjectNode fromCore(JsonNode core) {
    ObjectNode e = NODES.objectNode();
    e.put("apiVersion", GROUP + "/v1");
    e.put("kind", "Event");
    e.set("metadata", core.path("metadata").deepCopy());
    e.set("eventTime", core.hasNonNull("eventTime") ? core.get("eventTime") : NODES.nullNode());
    if (core.has("series")) {
      ObjectNode series = e.putObject("series");
      series.set("count", core.path("series").path("count"));
      series.set("lastObservedTime", core.path("series").path("lastObservedTime"));
    }
    copy(core, "reportingComponent", e, "reportingController");
    copy(core, "reportingInstance", e, "reportingInstance");
    copy(core, "action", e, "action");
    copy(core, "reason", e, "reason");
    copy(core, "involvedObject", e, "regarding");
    copy(core, "related", e, "related");
    copy(core, "message", e, "note");
    copy(core, "type", e, "type");
    copy(core, "source", e, "deprecatedSource");
    copy(core, "firstTimestamp", e, "deprecatedFirstTimestamp");
    copy(core, "lastTimestamp", e, "deprecatedLastTimestamp");
    copy(core, "count", e, "deprecatedCount");
    return e;
  }

  private static void copy(JsonNode from, String field, ObjectNode to, String as) {
    if (from.hasNonNull(field)) {
      to.set(as, from.get(field).deepCopy());
    }
  }
}
